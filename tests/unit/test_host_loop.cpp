// The engine's host loop (sim/cost/framework_overhead.*, sim/serving/simulated_executor.*): the accepted forms of
// --framework-overhead and their bounds, the per-token term, and overlapped host work against the analytic timeline
// (back-to-back steps take max(host, device); a step after an idle gap pays host + device).
#include <fmt/format.h>
#include <catch2/catch.hpp>
#include <cmath>

#include "common/error.hpp"
#include "sim/cost/framework_overhead.hpp"
#include "sim/serving/batch.hpp"
#include "sim/serving/simulated_executor.hpp"
#include "tests/unit/sim_fixture.hpp"

using namespace llmsim;
using namespace llmsim::test;

TEST_CASE("framework overhead: FIXED[:PER_SEQ[:PER_TOKEN]][,overlap] in microseconds", "[overhead]") {
    const auto a = sim::parse_framework_overhead("500", "--framework-overhead");
    CHECK(a.per_iteration_ns == 500e3);
    CHECK(a.per_seq_ns == 0);
    CHECK(a.per_token_ns == 0);
    CHECK_FALSE(a.overlapped);
    CHECK(a.source == "user");

    const auto b = sim::parse_framework_overhead("500:20", "--framework-overhead");
    CHECK(b.per_iteration_ns == 500e3);
    CHECK(b.per_seq_ns == 20e3);
    CHECK(b.per_token_ns == 0);

    const auto c = sim::parse_framework_overhead("300:5:0.2,overlap", "--framework-overhead");
    CHECK(c.per_iteration_ns == Approx(300e3));
    CHECK(c.per_seq_ns == Approx(5e3));
    CHECK(c.per_token_ns == Approx(200));
    CHECK(c.overlapped);
    CHECK(c.name == "300:5:0.2,overlap");

    const auto d = sim::parse_framework_overhead("0,overlap", "--framework-overhead");
    CHECK(d.is_zero());
    CHECK(d.overlapped);

    // The bound itself is accepted; presets are matched by name before any number parsing.
    CHECK(sim::parse_framework_overhead(fmt::format("{}", sim::kMaxHostOverheadUs), "x").per_iteration_ns ==
          Approx(sim::kMaxHostOverheadUs * 1e3));
    CHECK(sim::parse_framework_overhead("vllm-v0", "x").per_iteration_ns == 1.2e6);
    CHECK_FALSE(sim::parse_framework_overhead("cpp", "x").overlapped);
}

TEST_CASE("framework overhead: bad numbers, bad suffixes and too many terms are usage errors naming the flag",
          "[overhead]") {
    const char* flag = "--framework-overhead";
    for (const char* bad : {"-1",
                            "500:-20",
                            "1:2:-0.5",
                            "nan",
                            "500:nan",
                            "inf",
                            "1:inf",
                            "1e30",
                            "1:1e30",
                            "1:2:3:4",
                            "",
                            ":",
                            "1::2",
                            "abc",
                            "1us",
                            "1000,overlapp",
                            "1000,",
                            ",overlap",
                            "1000,overlap,overlap",
                            "vllm-v0,overlap"}) {
        INFO("value '" << bad << "'");
        try {
            (void)sim::parse_framework_overhead(bad, flag);
            FAIL("accepted '" << bad << "'");
        } catch (const UsageError& e) {
            const std::string what = e.what();
            CHECK(e.where() == flag);
            CHECK(what.find(flag) == 0);
            CHECK(what.find(std::string("'") + bad + "'") != std::string::npos);
        }
    }
    // The out-of-range message states the form and the range.
    CHECK_THROWS_WITH(sim::parse_framework_overhead("1e30", flag),
                      Catch::Contains("FIXED_US[:PER_SEQ_US[:PER_TOKEN_US]][,overlap]") && Catch::Contains("[0, "));
    CHECK_THROWS_WITH(sim::parse_framework_overhead("1000,overlapp", flag), Catch::Contains("',overlap'"));
}

TEST_CASE("framework overhead: iteration_ns adds the per-sequence and per-token terms", "[overhead]") {
    auto o = sim::parse_framework_overhead("300:5:0.25", "t");
    // 300 us + 8 seqs x 5 us + 1000 tokens x 0.25 us.
    CHECK(o.iteration_ns(8, 1000, 1) == Approx(300e3 + 8 * 5e3 + 1000 * 250));
    CHECK(o.iteration_ns(1, 1, 1) == Approx(300e3 + 5e3 + 250));
    // The multi-GPU terms apply only beyond one GPU.
    o.multi_gpu_iteration_ns = 100e3;
    o.multi_gpu_per_seq_ns = 1e3;
    CHECK(o.iteration_ns(8, 1000, 2) == Approx(300e3 + 8 * 5e3 + 1000 * 250 + 100e3 + 8 * 1e3));
    CHECK_FALSE(o.is_zero());
    CHECK(sim::parse_framework_overhead("none", "t").is_zero());
    // ForwardCost charges it with the batch's sequences and tokens: 4 decodes + a 60-token prefill chunk.
    auto cost = instant_cost(1, "300:5:0.25");
    models::BatchShape b;
    for (int i = 0; i < 4; ++i)
        b.add_decode(10);
    b.add_prefill_chunk(0, 60, true);
    CHECK(cost.pass(b).overhead_ns == Approx(300e3 + 5 * 5e3 + 64 * 250));
    CHECK(cost.breakdown(b).framework_overhead_ns == Approx(300e3 + 5 * 5e3 + 64 * 250));
}

namespace {

// Runs the same decode batch `steps` times back to back from `start_ns` and returns each step's end.
std::vector<int64_t> back_to_back(sim::SimulatedExecutor& ex, const sim::Batch& batch, int64_t start_ns, int steps) {
    std::vector<int64_t> ends;
    int64_t t = start_ns;
    for (int i = 0; i < steps; ++i) {
        t = ex.run(batch, t, 0, nullptr).end_ns;
        ends.push_back(t);
    }
    return ends;
}

}  // namespace

TEST_CASE("overlapped host loop: back-to-back steps take max(H, D), a step after an idle gap H + D", "[overhead]") {
    // Device time D: the instant device at 1 TB/s, so a decode step costs its weight and KV reads (~tens of us);
    // measured from a twin cost with no host work.
    sim::RequestState r;
    r.prompt_tokens = r.prefill_target = r.prefilled = 8;
    r.output_tokens = 1000;
    r.generated = 1;
    sim::Batch batch;
    for (int i = 0; i < 4; ++i)
        batch.add_decode(r, 200);
    auto device_only = instant_cost(1, "0", "1TB/s");
    const double d_ns = device_only.iteration_ns(batch.shape());
    REQUIRE(d_ns > 10e3);
    const auto d = static_cast<int64_t>(std::llround(d_ns));

    for (const double host_over_device : {0.5, 2.0}) {
        const double h_us = std::round(d_ns * host_over_device / 1e3);  // whole microseconds: exact in ns
        const auto h = static_cast<int64_t>(h_us * 1e3);
        INFO("H = " << h << " ns, D = " << d << " ns");
        {
            auto cost = instant_cost(1, fmt::format("{},overlap", h_us), "1TB/s");
            sim::SimulatedExecutor ex(cost, false);
            const auto ends = back_to_back(ex, batch, 0, 4);
            // The first step has nothing to hide under: H + D. Each next one: max(H, D).
            CHECK(ends[0] == Approx(static_cast<double>(h + d)).margin(2));
            for (size_t k = 1; k < ends.size(); ++k)
                CHECK(ends[k] - ends[k - 1] == Approx(static_cast<double>(std::max(h, d))).margin(2));
            // The exposed host time is reported as the step's overhead.
            CHECK(ex.run(batch, ends.back(), 0, nullptr).overhead_ns ==
                  Approx(static_cast<double>(std::max<int64_t>(0, h - d))).margin(2));
            // After an idle gap the host work is fully exposed again.
            const int64_t later = ends.back() + 10 * (h + d) + 5'000'000;
            const auto after_gap = ex.run(batch, later, 0, nullptr);
            CHECK(after_gap.end_ns - later == Approx(static_cast<double>(h + d)).margin(2));
            CHECK(after_gap.overhead_ns == Approx(static_cast<double>(h)));
        }
        {
            // Serial host loop (the same H without ,overlap): every step pays H + D.
            auto cost = instant_cost(1, fmt::format("{}", h_us), "1TB/s");
            sim::SimulatedExecutor ex(cost, false);
            const auto ends = back_to_back(ex, batch, 0, 4);
            CHECK(ends[0] == Approx(static_cast<double>(h + d)).margin(2));
            for (size_t k = 1; k < ends.size(); ++k)
                CHECK(ends[k] - ends[k - 1] == Approx(static_cast<double>(h + d)).margin(2));
        }
    }
}

TEST_CASE("overlapped host loop through the simulator: a lone request's decodes take max(H, D) each",
          "[overhead][scheduler]") {
    // Host H = 1 ms; device ~30 us per step (instant device at 1 TB/s: llama-tiny's weight reads): the prefill step
    // Dp, each decode step Dd. Serial: the prefill ends at H + Dp, each decode takes H + Dd. Overlapped: the prefill
    // has nothing to hide under (H + Dp); each decode exposes H minus the previous step's device time and then runs
    // its own, so the 4 decodes take 4H + Dd - Dp in all: max(H, D) = H per step, up to the last Dd - Dp.
    auto serial = instant_cost(1, "1000", "1TB/s");
    auto overlapped = instant_cost(1, "1000,overlap", "1TB/s");
    const auto w = workload_of({{0, 8, 5}});
    const auto a = policies::simulate(cluster_of("sarathi"), serial, w);
    const auto b = policies::simulate(cluster_of("sarathi"), overlapped, w);
    const auto& ra = a.requests[0];
    const auto& rb = b.requests[0];
    const double dp_ms = ms(ra.first_token_ns) - 1.0;
    const double dd_ms = ms(ra.finish_ns - ra.first_token_ns) / 4 - 1.0;
    REQUIRE(dp_ms > 0.01);
    REQUIRE(dd_ms > 0.01);
    CHECK(ms(rb.first_token_ns) == Approx(1.0 + dp_ms));
    CHECK(ms(rb.finish_ns - rb.first_token_ns) == Approx(4 * 1.0 + dd_ms - dp_ms).margin(1e-5));
}
