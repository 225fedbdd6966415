// The serving front end (sim::FrontEnd): ingress (per request + per prompt token) before the scheduler and egress
// after each token are client-visible latency only. Against the same run without a front end, TTFT and E2E grow by
// exactly ingress + per-token x prompt + egress and TPOT does not move; a follow-up turn is sent when the client
// has the previous answer, i.e. after the egress.
#include <catch2/catch.hpp>

#include "policies/cluster_spec.hpp"
#include "tests/unit/sim_fixture.hpp"

using namespace llmsim;
using namespace llmsim::test;

namespace {

constexpr double kIngressNs = 250e3;
constexpr double kPerTokenNs = 5e3;
constexpr double kEgressNs = 125e3;

sim::ServingRun run(const traces::Workload& w, bool front_end) {
    auto cost = instant_cost();
    auto spec = cluster_of("sarathi");
    if (front_end) spec.front_end = {kIngressNs, kPerTokenNs, kEgressNs};
    return policies::simulate(spec, cost, w);
}

double ttft_ms(const sim::RequestState& r) {
    return ms(r.first_token_ns - r.arrival_ns);
}
double e2e_ms(const sim::RequestState& r) {
    return ms(r.finish_ns - r.arrival_ns);
}
double tpot_ms(const sim::RequestState& r) {
    return ms(r.finish_ns - r.first_token_ns) / (r.output_tokens - 1);
}

}  // namespace

TEST_CASE("front end: TTFT and E2E grow by ingress + per-token x prompt + egress, TPOT unchanged", "[front-end]") {
    // Requests far apart (each runs alone), with different prompts so the per-token term differs per request.
    const auto w = workload_of({{0, 4, 3}, {20, 40, 2}, {40, 100, 5}});
    const auto base = run(w, false);
    const auto fe = run(w, true);
    for (size_t i = 0; i < w.requests.size(); ++i) {
        const auto& a = base.requests[i];
        const auto& b = fe.requests[i];
        INFO("request " << i << " prompt " << a.prompt_tokens);
        REQUIRE(b.phase() == sim::RequestPhase::finished);
        const double added_ms = ms(static_cast<int64_t>(kIngressNs + kPerTokenNs * a.prompt_tokens + kEgressNs));
        CHECK(b.arrival_ns == a.arrival_ns);  // the client's send time
        CHECK(ttft_ms(b) - ttft_ms(a) == Approx(added_ms).margin(1e-9));
        CHECK(e2e_ms(b) - e2e_ms(a) == Approx(added_ms).margin(1e-9));
        CHECK(tpot_ms(b) == Approx(tpot_ms(a)).margin(1e-9));
        // The engine saw it after the ingress only.
        CHECK(ms(b.first_scheduled_ns - a.first_scheduled_ns) ==
              Approx(ms(static_cast<int64_t>(kIngressNs + kPerTokenNs * a.prompt_tokens))).margin(1e-9));
    }
    // Engine work is unchanged.
    CHECK(fe.replicas[0].iterations == base.replicas[0].iterations);
    CHECK(fe.replicas[0].batched_tokens == base.replicas[0].batched_tokens);
}

TEST_CASE("front end: equal prompts sharing batches shift together", "[front-end]") {
    // r1 arrives mid-step and joins the next batch with or without the front end (the whole timeline shifts by the
    // same ingress); every latency grows by ingress + egress + per-token x 4.
    const auto w = workload_of({{0, 4, 3}, {0.5, 4, 3}, {0.7, 4, 2}});
    const auto base = run(w, false);
    const auto fe = run(w, true);
    const double added_ms = ms(static_cast<int64_t>(kIngressNs + kPerTokenNs * 4 + kEgressNs));
    for (size_t i = 0; i < w.requests.size(); ++i) {
        INFO("request " << i);
        CHECK(ttft_ms(fe.requests[i]) - ttft_ms(base.requests[i]) == Approx(added_ms).margin(1e-9));
        CHECK(e2e_ms(fe.requests[i]) - e2e_ms(base.requests[i]) == Approx(added_ms).margin(1e-9));
        CHECK(tpot_ms(fe.requests[i]) == Approx(tpot_ms(base.requests[i])).margin(1e-9));
    }
}

TEST_CASE("front end: a follow-up turn is sent after the previous answer's egress", "[front-end]") {
    // r1 quotes r0's answer: the client sends it when r0's last token has come back (engine finish + egress), and
    // the engine sees it one ingress later.
    auto w = workload_of({{0, 4, 3}, {0, 8, 2}});
    w.requests[1].after = 0;
    const auto base = run(w, false);
    const auto fe = run(w, true);
    CHECK(base.requests[1].arrival_ns == base.requests[0].finish_ns);
    const auto& r0 = fe.requests[0];
    const auto& r1 = fe.requests[1];
    // finish_ns is client-visible (egress included): the follow-up is sent exactly then.
    CHECK(r1.arrival_ns == r0.finish_ns);
    CHECK(r0.finish_ns - base.requests[0].finish_ns == static_cast<int64_t>(kIngressNs + kPerTokenNs * 4 + kEgressNs));
    CHECK(r1.first_scheduled_ns == r1.arrival_ns + static_cast<int64_t>(kIngressNs + kPerTokenNs * 8));
    CHECK(ttft_ms(r1) - ttft_ms(base.requests[1]) ==
          Approx(ms(static_cast<int64_t>(kIngressNs + kPerTokenNs * 8 + kEgressNs))).margin(1e-9));
}
