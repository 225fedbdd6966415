// Schedule-ahead replicas (ReplicaParts::schedule_ahead, vLLM V1 async scheduling / SGLang's overlap scheduler): the
// batch of step n+1 is chosen when step n is launched, so a request arriving while a step runs first competes for the
// step after next; an idle engine schedules at once. Every step lasts exactly 1 ms (sim_fixture.hpp), so each case
// spells its timeline out.
#include <catch2/catch.hpp>

#include "policies/cluster_spec.hpp"
#include "sim/serving/cluster.hpp"
#include "tests/unit/sim_fixture.hpp"

using namespace llmsim;
using namespace llmsim::test;

namespace {

sim::ServingRun run_with(bool schedule_ahead, const std::vector<Req>& reqs, const std::string& overhead = "1000") {
    auto cost = instant_cost(1, overhead);
    sim::ClusterConfig config = policies::make_cluster_config(cluster_of("sarathi"), cost);
    config.pools[0].parts.schedule_ahead = schedule_ahead;
    return sim::run_cluster(config, workload_of(reqs), nullptr);
}

}  // namespace

TEST_CASE("schedule-ahead: a request arriving mid-step joins the step after next", "[scheduler][schedule-ahead]") {
    // r0 (prompt 4, 3 outputs) at 0; r1 (prompt 4, 2 outputs) at 0.5, while step 1 [0,1] runs.
    const std::vector<Req> reqs = {{0, 4, 3}, {0.5, 4, 2}};
    SECTION("off: r1 is in the next batch") {
        // [0,1] prefill r0. [1,2] decode r0 + prefill r1. [2,3] decode r0 (done), decode r1 (done).
        const auto run = run_with(false, reqs);
        const auto& r = run.requests;
        CHECK(ms(r[0].first_token_ns) == Approx(1));
        CHECK(ms(r[1].first_scheduled_ns) == Approx(1));
        CHECK(ms(r[1].first_token_ns) == Approx(2));
        CHECK(ms(r[0].finish_ns) == Approx(3));
        CHECK(ms(r[1].finish_ns) == Approx(3));
        CHECK(run.replicas[0].iterations == 3);
    }
    SECTION("on: step 2's batch was chosen at 0, before r1 arrived") {
        // [0,1] prefill r0. [1,2] decode r0 only. [2,3] decode r0 (done) + prefill r1. [3,4] decode r1 (done).
        const auto run = run_with(true, reqs);
        const auto& r = run.requests;
        CHECK(ms(r[0].first_token_ns) == Approx(1));
        CHECK(ms(r[1].first_scheduled_ns) == Approx(2));
        CHECK(ms(r[1].first_token_ns) == Approx(3));
        CHECK(ms(r[0].finish_ns) == Approx(3));
        CHECK(ms(r[1].finish_ns) == Approx(4));
        CHECK(run.replicas[0].iterations == 4);
    }
}

TEST_CASE("schedule-ahead: an idle engine schedules at once", "[scheduler][schedule-ahead]") {
    // r0 (one output) at 0: [0,1]. r1 arrives at 0.5 mid-step; nothing else is runnable at 1, so the engine does
    // not idle for a step: [1,2] prefill r1. r2 arrives at 5 to an idle replica: [5,6].
    for (const bool ahead : {false, true}) {
        INFO("schedule_ahead " << ahead);
        const auto run = run_with(ahead, {{0, 4, 1}, {0.5, 4, 1}, {5, 4, 1}});
        const auto& r = run.requests;
        CHECK(ms(r[0].finish_ns) == Approx(1));
        CHECK(ms(r[1].first_scheduled_ns) == Approx(1));
        CHECK(ms(r[1].finish_ns) == Approx(2));
        CHECK(ms(r[2].first_scheduled_ns) == Approx(5));
        CHECK(ms(r[2].finish_ns) == Approx(6));
        CHECK(run.replicas[0].iterations == 3);
    }
}

TEST_CASE("schedule-ahead: simultaneous arrivals at an idle replica share the first batch",
          "[scheduler][schedule-ahead]") {
    // Both arrive at 0 to an idle replica: one prefill batch [0,1] for both, as without schedule-ahead.
    const auto run = run_with(true, {{0, 4, 2}, {0, 4, 2}});
    CHECK(ms(run.requests[0].first_token_ns) == Approx(1));
    CHECK(ms(run.requests[1].first_token_ns) == Approx(1));
    CHECK(ms(run.requests[1].finish_ns) == Approx(2));
}

TEST_CASE("schedule-ahead is on exactly when the host loop overlaps the device", "[scheduler][schedule-ahead]") {
    // policies::make_cluster_config turns it on with an overlapped host model: the same mid-step arrival as above
    // (instant device, 1 ms of host work exposed per step because the device step it could hide under is ~0).
    const std::vector<Req> reqs = {{0, 4, 3}, {0.5, 4, 2}};
    for (const auto& [overhead, first_token_ms] : {std::pair{"1000", 2.0}, std::pair{"1000,overlap", 3.0}}) {
        INFO(overhead);
        auto cost = instant_cost(1, overhead);
        const auto run = policies::simulate(cluster_of("sarathi"), cost, workload_of(reqs));
        CHECK(ms(run.requests[1].first_token_ns) == Approx(first_token_ms));
    }
}
