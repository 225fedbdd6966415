// The pipeline DAG on the engine: bubbles of uniform stages against the closed forms of Narayanan et al. 2021,
// and the schedules' orders against their in-flight closed forms.
#include <catch2/catch.hpp>

#include <set>
#include <tuple>

#include "policies/parallel/schedule.hpp"
#include "sim/training/pipeline_dag.hpp"

using namespace llmsim;
using namespace llmsim::sim;

namespace {

PipelineResult run(const std::string& schedule, int32_t p, int32_t m, int32_t v, int64_t f_ns, int64_t b_ns,
                   int64_t p2p_ns = 0, bool blocking = false) {
    PipelineTimes t;
    t.pp = p;
    t.vpp = v;
    t.microbatches = m;
    t.forward_ns.assign(static_cast<size_t>(p * v), f_ns);
    t.backward_ns.assign(static_cast<size_t>(p * v), b_ns);
    t.p2p_ns = p2p_ns;
    t.p2p_blocks_sender = blocking;
    const auto& s = policies::find_schedule(schedule);
    policies::validate_schedule(s, p, m, v);
    return simulate_pipeline(s.build(p, m, v), t);
}

}  // namespace

TEST_CASE("training pipeline: 1F1B bubble is (p-1)/(m+p-1) for uniform stages", "[training]") {
    for (auto [p, m] : {std::pair{4, 8}, std::pair{8, 8}, std::pair{2, 32}, std::pair{16, 64}, std::pair{1, 4}}) {
        const PipelineResult r = run("1f1b", p, m, 1, 1000, 2000);
        CHECK(r.makespan_ns == static_cast<int64_t>(m + p - 1) * 3000);
        CHECK(r.bubble_fraction == Approx(static_cast<double>(p - 1) / (m + p - 1)));
        for (int64_t busy : r.busy_ns)
            CHECK(busy == static_cast<int64_t>(m) * 3000);
    }
}

TEST_CASE("training pipeline: interleaved bubble shrinks by the number of chunks", "[training]") {
    // Per chunk F = 500, B = 1000 (a stage's micro-batch takes v times that). Bubble = (p-1)(F+B)/v per stage
    // time, i.e. a fraction (p-1)/(v m + p - 1).
    for (auto [p, m, v] : {std::tuple{4, 8, 2}, std::tuple{4, 16, 4}, std::tuple{8, 16, 2}, std::tuple{2, 4, 3}}) {
        const PipelineResult r = run("interleaved", p, m, v, 500, 1000);
        CHECK(r.makespan_ns == static_cast<int64_t>(v * m + p - 1) * 1500);
        CHECK(r.bubble_fraction == Approx(static_cast<double>(p - 1) / (v * m + p - 1)));
    }
}

TEST_CASE("training pipeline: GPipe has the 1F1B bubble", "[training]") {
    const PipelineResult r = run("gpipe", 4, 8, 1, 1000, 2000);
    CHECK(r.makespan_ns == 11 * 3000);
}

TEST_CASE("training pipeline: transfer delays lengthen fill and drain", "[training]") {
    const PipelineResult base = run("1f1b", 4, 8, 1, 1000, 2000);
    const PipelineResult delayed = run("1f1b", 4, 8, 1, 1000, 2000, 100);
    // The first micro-batch crosses p - 1 boundaries each way before the pipeline is full and drained.
    CHECK(delayed.makespan_ns >= base.makespan_ns + 2 * 3 * 100);
    const PipelineResult blocking = run("1f1b", 4, 8, 1, 1000, 2000, 100, true);
    CHECK(blocking.busy_ns[1] == 8 * (3000 + 2 * 100));  // middle ranks send both ways for every micro-batch
    CHECK(blocking.sends[0] == 8);
}

TEST_CASE("training pipeline: orders run every task once and match the in-flight closed forms", "[training]") {
    for (const auto& s : policies::schedule_registry()) {
        for (int32_t p : {1, 2, 3, 4, 8}) {
            for (int32_t m : {1, 2, 4, 8, 12, 16}) {
                for (int32_t v : {1, 2, 3}) {
                    if (v > 1 && (!s.interleaved || p < 2 || m % p != 0)) continue;
                    const auto orders = s.build(p, m, v);
                    REQUIRE(orders.size() == static_cast<size_t>(p));
                    for (int32_t r = 0; r < p; ++r) {
                        const auto& o = orders[static_cast<size_t>(r)];
                        std::set<std::tuple<int, int, int>> seen;
                        for (const auto& t : o)
                            seen.insert({static_cast<int>(t.kind), t.microbatch, t.chunk});
                        CHECK(seen.size() == static_cast<size_t>(2 * m * v));
                        CHECK(o.size() == static_cast<size_t>(2 * m * v));
                        INFO(s.name << " p=" << p << " m=" << m << " v=" << v << " rank=" << r);
                        CHECK(s.in_flight(p, m, v, r) == policies::peak_in_flight(o));
                    }
                    // And the orders never deadlock against the data dependencies.
                    PipelineTimes t;
                    t.pp = p;
                    t.vpp = v;
                    t.microbatches = m;
                    t.forward_ns.assign(static_cast<size_t>(p * v), 3);
                    t.backward_ns.assign(static_cast<size_t>(p * v), 7);
                    CHECK(simulate_pipeline(orders, t).makespan_ns > 0);
                }
            }
        }
    }
}

TEST_CASE("training pipeline: interleaving needs micro-batches in multiples of pp", "[training]") {
    const auto& s = policies::find_schedule("interleaved");
    CHECK_THROWS_WITH(policies::validate_schedule(s, 4, 6, 2), Catch::Contains("multiple of --pp 4"));
    CHECK_THROWS_WITH(policies::validate_schedule(policies::find_schedule("1f1b"), 4, 8, 2),
                      Catch::Contains("--schedule interleaved"));
    CHECK_THROWS_WITH(policies::find_schedule("zb-h1"), Catch::Contains("1f1b"));
}
