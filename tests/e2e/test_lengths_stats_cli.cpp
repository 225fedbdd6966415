// --lengths stats:PATH reads back what `llmsim trace derive --out` writes: the derived file is sampled exactly as a
// built-in workload of the same statistics, and its lengths reproduce the source trace's means.
#include <catch2/catch.hpp>

#include "common/csv.hpp"
#include "common/json_io.hpp"
#include "tests/support/test_support.hpp"

using namespace llmsim;
using namespace llmsim::test;

namespace {

// Mean prompt and output tokens of a Vidur-format CSV written by `trace generate`.
std::pair<double, double> mean_lengths(const std::string& csv_text) {
    CsvReader csv("generated", csv_text);
    const size_t p = csv.require_column("num_prefill_tokens");
    const size_t o = csv.require_column("num_decode_tokens");
    double sp = 0, so = 0;
    int64_t n = 0;
    while (csv.next()) {
        sp += csv.get_double(p);
        so += csv.get_double(o);
        ++n;
    }
    REQUIRE(n > 0);
    return {sp / n, so / n};
}

}  // namespace

TEST_CASE("trace derive -> --lengths stats:FILE round trip", "[cli][traces]") {
    TempDir dir;
    const std::string stats = dir.file("derived.json");
    const CommandResult d =
        run_llmsim({"trace", "derive", "--trace", source_path("examples/synthetic-azure-format.csv"), "--name",
                    "my-azure", "--out", stats});
    INFO(d.err);
    REQUIRE(d.exit_code == 0);
    CHECK(d.err.find("--lengths stats:" + stats) != std::string::npos);
    const Json j = load_json_file(stats);

    // Lengths sampled from the file reproduce the source's means (the quantile tables' own accuracy, ~1-3%).
    const CommandResult g = run_llmsim(
        {"trace", "generate", "--lengths", "stats:" + stats, "--num-requests", "20000", "--qps", "inf", "--out", "-"});
    INFO(g.err);
    REQUIRE(g.exit_code == 0);
    const auto [prompt, output] = mean_lengths(g.out);
    const double want_prompt = j["prompt_tokens"]["mean"].get<double>();
    const double want_output = j["output_tokens"]["mean"].get<double>();
    INFO("prompt " << prompt << " vs " << want_prompt << ", output " << output << " vs " << want_output);
    CHECK(rel_error(prompt, want_prompt) < 0.05);
    CHECK(rel_error(output, want_output) < 0.05);

    // Without --qps the file's rate and burstiness shape the arrivals, as for a built-in workload.
    const CommandResult r = run_llmsim({"run", "--lengths", "stats:" + stats, "--num-requests", "100", "--json"});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    const Json s = parse_json_text(r.out, "run --json");
    CHECK(s["workload"].get<std::string>().find("stats:" + stats) != std::string::npos);
    CHECK(s["completed"].get<int64_t>() > 0);
}

TEST_CASE("lengths stats: a shipped statistics file samples exactly as builtin: of it", "[cli][traces]") {
    const std::vector<std::string> common = {"trace", "generate", "--num-requests", "500", "--qps", "4", "--out", "-"};
    auto with = [&](const std::string& lengths) {
        auto a = common;
        a.insert(a.end(), {"--lengths", lengths});
        const CommandResult c = run_llmsim(a);
        INFO(c.err);
        REQUIRE(c.exit_code == 0);
        return c.out;
    };
    CHECK(with("stats:" + source_path("traces/builtin/sharegpt.json")) == with("builtin:sharegpt"));
}

TEST_CASE("lengths stats: a missing or wrong file exits 2 naming it", "[cli][traces][errors]") {
    TempDir dir;
    CommandResult r = run_llmsim({"run", "--lengths", "stats:" + dir.file("none.json"), "--json"});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find(dir.file("none.json")) != std::string::npos);
    const std::string bad = dir.write("bad.json", R"({"name": "x"})");
    r = run_llmsim({"run", "--lengths", "stats:" + bad, "--json"});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find(bad) != std::string::npos);
    CHECK(run_llmsim({"run", "--lengths", "stats:", "--json"}).exit_code == 2);
}
