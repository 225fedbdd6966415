// The reproduction registry: claimed ranges judge simulated values with the stated slack, and every registered
// scenario is well formed.
#include <catch2/catch.hpp>

#include <set>

#include "tools/reproduce/registry.hpp"

using namespace llmsim::tools::reproduce;

TEST_CASE("reproduce: a value within the claimed range, widened by the tolerance, is reproduced", "[reproduce]") {
    Scenario s;
    s.name = "t";
    s.range = {2.0, 2.6, "x"};
    s.tolerance = 0.1;
    CHECK(judge(s, 2.3) == Verdict::reproduced);
    CHECK(judge(s, 1.81) == Verdict::reproduced);  // 2.0 x 0.9 = 1.8
    CHECK(judge(s, 1.79) == Verdict::below);
    CHECK(judge(s, 2.85) == Verdict::reproduced);  // 2.6 x 1.1 = 2.86
    CHECK(judge(s, 2.87) == Verdict::above);
    s.tolerance = 0;
    s.range = {10, 10, "x"};
    CHECK(judge(s, 10) == Verdict::reproduced);
    CHECK(judge(s, 9.99) == Verdict::below);
}

TEST_CASE("reproduce: registered scenarios have unique names, a paper, a claim and a valid range", "[reproduce]") {
    std::set<std::string> names;
    for (const auto& s : scenarios()) {
        INFO(s.name);
        CHECK(names.insert(s.name).second);
        CHECK(!s.paper.empty());
        CHECK(!s.claim.empty());
        CHECK(s.range.low > 0);
        CHECK(s.range.low <= s.range.high);
        CHECK(!s.range.unit.empty());
        CHECK(s.tolerance >= 0);
        CHECK(s.tolerance < 1);
        CHECK(find_scenario(s.name) == &s);
    }
    CHECK(find_scenario("no-such-scenario") == nullptr);
}
