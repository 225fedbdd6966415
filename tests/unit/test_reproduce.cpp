// The reproduction registry: claimed ranges judge simulated values with the stated slack, every registered scenario
// is well formed, and the helpers scenarios measure with (time between tokens, rate search) do what they say.
#include <catch2/catch.hpp>

#include <algorithm>
#include <set>

#include "policies/cluster_spec.hpp"
#include "tests/unit/sim_fixture.hpp"
#include "tools/reproduce/capacity_study.hpp"
#include "tools/reproduce/registry.hpp"
#include "tools/reproduce/repro_runs.hpp"
#include "tools/reproduce/token_gaps.hpp"

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

TEST_CASE("reproduce: time between tokens shows the decode stalls a prefill causes", "[reproduce]") {
    // The vllm timeline of test_schedulers.cpp (1 ms per iteration): r0 and r1 get tokens at 1, 3 and 4 ms (r2's
    // prefill at [1,2] stalls them), r2 at 2 and 3 ms. Gaps: 2, 1 (r0), 2, 1 (r1), 1 (r2).
    auto cost = llmsim::test::instant_cost();
    TokenGapRecorder gaps;
    (void)llmsim::policies::simulate(llmsim::test::cluster_of("vllm"), cost,
                                     llmsim::test::workload_of({{0, 4, 3}, {0, 4, 3}, {0.5, 4, 2}}), nullptr, {&gaps});
    const auto d = gaps.gaps_ms();
    CHECK(d.count == 5);
    CHECK(d.mean == Approx(7.0 / 5));
    CHECK(d.max == Approx(2));
    // Sarathi's stall-free batches: r0 decodes once per ms while r1's 40-token prompt is chunked beside it.
    auto cfg = llmsim::test::cluster_of("sarathi");
    cfg.limits.chunk_size = 8;
    TokenGapRecorder stall_free;
    (void)llmsim::policies::simulate(cfg, cost, llmsim::test::workload_of({{0, 2, 6}, {1.5, 40, 1}}), nullptr,
                                     {&stall_free});
    const auto s = stall_free.gaps_ms();
    CHECK(s.count == 5);  // r0's 6 tokens; r1 has one
    CHECK(s.max == Approx(1));
}

TEST_CASE("reproduce: max_rate returns the highest probed rate meeting the check, and what broke above it",
          "[reproduce]") {
    const llmsim::Json settings = {{"model", "llama-2-7b"}, {"hardware", "a100"},         {"lengths", "fixed:512:64"},
                           {"num-requests", 100},   {"engine", "vllm-v0"},         {"seed", 0}};
    const double target_ms = 150;
    const RateCheck meets = [&](const llmsim::OrderedJson& s) -> std::optional<std::string> {
        const double q = s.at("ttft_ms").at("p90").get<double>();
        if (q > target_ms) return "p90 TTFT " + std::to_string(q);
        return std::nullopt;
    };
    const Goodput g = max_rate(settings, meets, "test", 0.05);
    INFO(g.limit << " " << g.infeasible);
    REQUIRE(g.max_qps > 0);
    CHECK(g.max_qps < g.capacity_rps);
    CHECK(g.at_max.at("ttft_ms").at("p90").get<double>() <= target_ms);
    CHECK(g.limit.find("p90 TTFT") != std::string::npos);
    CHECK(g.at_max.at("tbt_ms").at("p99").get<double>() > 0);
    CHECK(g.probes >= 3);
    // The same search through plan's path: max_goodput sets the run's SLO targets from the SLO it is given.
    llmsim::tools::PlanSlo slo;
    slo.ttft_ms = target_ms;
    slo.percentile = 90;
    slo.attainment = 0.5;
    const Goodput p = max_goodput(settings, slo, "test", 0.05);
    CHECK(p.max_qps > 0);
    CHECK(p.capacity_rps == Approx(g.capacity_rps));
}

TEST_CASE("reproduce: a capacity study's value is the largest Sarathi-Serve / vLLM ratio of its runs", "[reproduce]") {
    CapacityStudy study;
    study.label = "t";
    study.base = {{"model", "llama-2-7b"}, {"hardware", "a100"}, {"engine", "vllm-v0"}, {"num-requests", 120},
                  {"seed", 0}};
    study.slos = {{"strict", 60, 512}, {"relaxed", 300, 2048}};
    study.workloads = {{"long", "fixed:3000:100", 4096}};
    study.sarathi_max_batch = 64;
    study.vllm_max_batch = 64;
    study.orca_max_batch = 8;
    const Reproduction r = run_capacity_study(study);
    REQUIRE(r.runs.size() == 6);  // 1 workload x 2 SLOs x 3 schedulers
    double best = 0;
    bool bounded = false;  // vLLM met the SLO at no rate somewhere: that ratio is a lower bound above `best`
    for (size_t i = 0; i < r.runs.size(); i += 3) {
        const auto& sarathi = r.runs[i].at("figures");
        const auto& vllm = r.runs[i + 1].at("figures");
        INFO(r.explanation);
        CHECK(r.runs[i].at("settings").at("scheduler") == "sarathi");
        CHECK(r.runs[i + 2].at("settings").at("scheduler") == "orca");
        // Every capacity met the SLO it was searched under.
        for (size_t k = i; k < i + 3; ++k) {
            const auto& f = r.runs[k].at("figures");
            if (f.at("max_qps").get<double>() > 0) {
                CHECK(f.at("tbt_ms_p99_at_max").get<double>() <= f.at("p99_tbt_slo_ms").get<double>());
                CHECK(f.at("queue_ms_p50_at_max").get<double>() <= study.scheduling_delay_p50_ms);
            }
        }
        if (vllm.at("max_qps").get<double>() > 0) {
            best = std::max(best, sarathi.at("max_qps").get<double>() / vllm.at("max_qps").get<double>());
        } else {
            bounded = true;
        }
    }
    if (bounded) {
        CHECK(r.simulated >= best);
    } else {
        CHECK(r.simulated == Approx(best));
    }
    CHECK(r.simulated > 0);
    CHECK(r.explanation.find("long strict (P99 TBT 60 ms)") != std::string::npos);
}
