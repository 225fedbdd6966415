#include <catch2/catch.hpp>

#include "sim/serving/metrics.hpp"
#include "sim/serving/request_lifecycle.hpp"

using namespace llmsim::sim;

namespace {
RequestState finished(int64_t arrival_ms, int64_t scheduled_ms, int64_t first_ms, int64_t finish_ms, int32_t out) {
    RequestState r;
    RequestLifecycle::record_outcome(r, RequestPhase::finished);
    r.arrival_ns = arrival_ms * 1000000;
    r.first_scheduled_ns = scheduled_ms * 1000000;
    r.first_token_ns = first_ms * 1000000;
    r.finish_ns = finish_ms * 1000000;
    r.prompt_tokens = 10;
    r.output_tokens = out;
    return r;
}
}  // namespace

TEST_CASE("metrics follow the contract definitions", "[metrics]") {
    // TTFT = first token - arrival; TPOT = (e2e - ttft) / (out - 1); throughput over last completion - first arrival.
    std::vector<RequestState> rs = {finished(0, 0, 100, 1100, 11), finished(1000, 1200, 1300, 2000, 8),
                                    finished(500, 500, 600, 600, 1)};
    RequestState rejected;
    RequestLifecycle::record_outcome(rejected, RequestPhase::rejected);
    rejected.arrival_ns = 0;
    rs.push_back(rejected);
    const auto s = summarize(rs, {});
    CHECK(s.requests == 4);
    CHECK(s.completed == 3);
    CHECK(s.rejected == 1);
    CHECK(s.ttft_ms.mean == Approx((100 + 300 + 100) / 3.0));
    CHECK(s.tpot_ms.count == 2);  // the single-token request has no TPOT
    CHECK(s.tpot_ms.mean == Approx((100.0 + 100.0) / 2));
    CHECK(s.queue_ms.max == Approx(200));
    CHECK(s.output_tokens_per_s == Approx(20.0 / 2.0));  // 20 tokens over 2 s
    CHECK(s.throughput_rps == Approx(1.5));
    CHECK_FALSE(s.slo_attainment.has_value());
    SloTargets slo;
    slo.ttft_ms = 150;
    const auto t = summarize(rs, slo);
    REQUIRE(t.slo_attainment.has_value());
    CHECK(*t.slo_attainment == Approx(2.0 / 4.0));  // the rejected request counts as a miss
}

TEST_CASE("percentiles interpolate between closest ranks", "[metrics]") {
    std::vector<double> v;
    for (int i = 1; i <= 101; ++i)
        v.push_back(i);
    const auto d = distribution_of(v);
    CHECK(d.p50 == Approx(51));
    CHECK(d.p90 == Approx(91));
    CHECK(d.p99 == Approx(100));
    CHECK(d.mean == Approx(51));
}
