// `llmsim list KIND --json`: the rows the table prints, as objects (what the Python module's llmsim.list returns).
#include <catch2/catch.hpp>

#include <sstream>

#include "common/json_io.hpp"
#include "tests/support/cli_checks.hpp"
#include "tests/support/test_support.hpp"

using namespace llmsim;
using namespace llmsim::test;

TEST_CASE("list --json prints the table's rows, in its order", "[cli][list]") {
    for (const std::string kind : {"models", "hardware", "engines", "schedulers", "routers", "preemption",
                                   "spec-decode", "traces", "overheads"}) {
        INFO(kind);
        const Json rows = run_ok_json({"list", kind, "--json"});
        REQUIRE(rows.is_array());
        REQUIRE(!rows.empty());
        // The table's row lines: an id in the first column (indented under a heading for `list traces`), its
        // description after it; detail lines start with spaces only.
        const CommandResult table = run_llmsim({"list", kind});
        REQUIRE(table.exit_code == 0);
        std::vector<std::string> ids;
        std::istringstream lines(table.out);
        for (std::string line; std::getline(lines, line);) {
            const size_t start = line.find_first_not_of(' ');
            if (start == std::string::npos || start > 2 || line.back() == ':') continue;
            ids.push_back(line.substr(start, line.find(' ', start) - start));
        }
        REQUIRE(ids.size() == rows.size());
        for (size_t i = 0; i < rows.size(); ++i) {
            CHECK(rows[i]["id"] == ids[i]);
            CHECK(table.out.find(rows[i]["description"].get<std::string>()) != std::string::npos);
        }
    }
    CHECK(run_ok_json({"list", "hardware", "--json"})[0].contains("peak_flops_per_s"));
}
