// The planner's pure parts: list flags, the SLO check and the Pareto front.
#include <catch2/catch.hpp>

#include <random>

#include "common/error.hpp"
#include "tools/plan/pareto.hpp"
#include "tools/plan/plan_lists.hpp"
#include "tools/plan/plan_slo.hpp"

using namespace llmsim;
using namespace llmsim::tools;

TEST_CASE("plan list flags: lists, ranges, bounds", "[plan]") {
    CHECK(parse_int_list("1,2,4,8", "--tp", 1, 64) == std::vector<int64_t>{1, 2, 4, 8});
    CHECK(parse_int_list("4..6,1, 5", "--replicas", 1, 16) == std::vector<int64_t>{1, 4, 5, 6});
    CHECK(parse_int_list("3..3", "--pp", 1, 4) == std::vector<int64_t>{3});
    CHECK_THROWS_WITH(parse_int_list("", "--tp", 1, 64), Catch::Contains("--tp: empty list"));
    CHECK_THROWS_WITH(parse_int_list("1,,2", "--tp", 1, 64), Catch::Contains("empty item"));
    CHECK_THROWS_WITH(parse_int_list("8..1", "--replicas", 1, 16), Catch::Contains("runs backwards"));
    CHECK_THROWS_WITH(parse_int_list("0,1", "--tp", 1, 64), Catch::Contains("0 is out of range (expected 1..64)"));
    CHECK_THROWS_WITH(parse_int_list("1..x", "--pp", 1, 4), Catch::Contains("bad integer 'x'"));
    CHECK_THROWS_AS(parse_int_list("2.5", "--tp", 1, 64), UsageError);
    CHECK(parse_name_list("h100, a100,h100", "--hardware") == std::vector<std::string>{"h100", "a100"});
    CHECK_THROWS_WITH(parse_name_list(" ", "--hardware"), Catch::Contains("--hardware: empty list"));
}

TEST_CASE("plan SLO: percentile targets and attainment, first broken constraint named", "[plan]") {
    OrderedJson s;
    s["completed"] = 100;
    s["ttft_ms"] = {{"p50", 100.0}, {"p90", 300.0}, {"p99", 900.0}};
    s["tpot_ms"] = {{"p50", 20.0}, {"p90", 40.0}, {"p99", 80.0}};
    s["slo_attainment"] = 0.93;
    PlanSlo slo;
    slo.ttft_ms = 500;
    slo.tpot_ms = 50;
    CHECK_FALSE(slo_violation(s, slo));
    slo.percentile = 99;
    REQUIRE(slo_violation(s, slo));
    CHECK(*slo_violation(s, slo) == "p99 TTFT 900.0 ms > 500 ms");
    CHECK(slo_flag_of(*slo_violation(s, slo)) == "--slo-ttft-ms");
    slo.ttft_ms.reset();
    CHECK(*slo_violation(s, slo) == "p99 TPOT 80.0 ms > 50 ms");
    slo.percentile = 50;
    slo.attainment = 0.95;
    CHECK(*slo_violation(s, slo) == "SLO attainment 93.0% < 95.0%");
    CHECK(slo_flag_of(*slo_violation(s, slo)) == "--slo-attainment");
}

TEST_CASE("Pareto front: no point in it is dominated, every point left out is", "[plan]") {
    std::mt19937_64 rng(7);
    std::uniform_int_distribution<int> coarse(0, 30);  // coarse values: ties in either coordinate happen
    for (int trial = 0; trial < 50; ++trial) {
        std::vector<ParetoPoint> pts;
        for (int i = 0; i < 60; ++i)
            pts.push_back({static_cast<double>(coarse(rng)), static_cast<double>(coarse(rng))});
        const auto front = pareto_front(pts);
        REQUIRE_FALSE(front.empty());
        const auto dominates = [&](size_t a, size_t b) {
            return pts[a].throughput >= pts[b].throughput && pts[a].latency_ms <= pts[b].latency_ms &&
                   (pts[a].throughput > pts[b].throughput || pts[a].latency_ms < pts[b].latency_ms);
        };
        std::vector<bool> in(pts.size(), false);
        for (size_t i : front)
            in[i] = true;
        for (size_t i : front) {
            for (size_t j = 0; j < pts.size(); ++j)
                CHECK_FALSE(dominates(j, i));
        }
        for (size_t j = 0; j < pts.size(); ++j) {
            if (in[j]) continue;
            // Left out: dominated by, or identical to, a point of the front.
            bool covered = false;
            for (size_t i : front) {
                covered = covered || dominates(i, j) ||
                          (pts[i].throughput == pts[j].throughput && pts[i].latency_ms == pts[j].latency_ms);
            }
            CHECK(covered);
        }
        for (size_t k = 1; k < front.size(); ++k) {
            CHECK(pts[front[k]].latency_ms > pts[front[k - 1]].latency_ms);
            CHECK(pts[front[k]].throughput > pts[front[k - 1]].throughput);
        }
    }
}
