#include <catch2/catch.hpp>

#include <vector>

#include "common/error.hpp"
#include "common/rng.hpp"
#include "sim/engine/engine.hpp"

using namespace llmsim;
using namespace llmsim::sim;

namespace {
struct Recorder : EventHandler {
    Engine* engine = nullptr;
    std::vector<std::pair<int64_t, uint64_t>> seen;
    void on_event(uint32_t kind, uint64_t payload) override {
        seen.emplace_back(engine->now().ns(), payload);
        if (kind == 1) engine->schedule_after(5, *this, 0, payload + 100);
    }
};
}  // namespace

TEST_CASE("engine orders events by time then insertion sequence", "[engine]") {
    Engine engine;
    Recorder r;
    r.engine = &engine;
    engine.schedule_at(SimTime::from_ns(10), r, 0, 1);
    engine.schedule_at(SimTime::from_ns(5), r, 0, 2);
    engine.schedule_at(SimTime::from_ns(10), r, 0, 3);  // same time as payload 1: must come after it
    engine.schedule_at(SimTime::from_ns(7), r, 1, 4);   // schedules payload 104 at t=12
    engine.run();
    const std::vector<std::pair<int64_t, uint64_t>> expected = {{5, 2}, {7, 4}, {10, 1}, {10, 3}, {12, 104}};
    CHECK(r.seen == expected);
    CHECK(engine.events_processed() == 5);
    CHECK(engine.now().ns() == 12);
}

TEST_CASE("engine refuses events in the past", "[engine]") {
    Engine engine;
    Recorder r;
    r.engine = &engine;
    engine.schedule_at(SimTime::from_ns(10), r, 0, 1);
    engine.run();
    CHECK_THROWS_AS(engine.schedule_at(SimTime::from_ns(9), r, 0, 1), InternalError);
}

TEST_CASE("run_until stops at the limit and resumes", "[engine]") {
    Engine engine;
    Recorder r;
    r.engine = &engine;
    for (int i = 1; i <= 5; ++i)
        engine.schedule_at(SimTime::from_ns(i * 10), r, 0, static_cast<uint64_t>(i));
    engine.run_until(SimTime::from_ns(30));
    CHECK(r.seen.size() == 3);
    engine.run();
    CHECK(r.seen.size() == 5);
}

TEST_CASE("rng streams are deterministic and independent", "[rng]") {
    RngStreams a(42);
    RngStreams b(42);
    Rng x = a.stream("arrivals");
    Rng y = b.stream("arrivals");
    Rng z = a.stream("lengths");
    for (int i = 0; i < 100; ++i) {
        const uint64_t vx = x.next_u64();
        CHECK(vx == y.next_u64());
        CHECK(vx != z.next_u64());
    }
}

TEST_CASE("rng distributions have the right moments", "[rng]") {
    Rng rng(7);
    const int n = 200000;
    double sum_exp = 0;
    double sum_gamma = 0;
    double sum_gamma_sq = 0;
    double sum_norm = 0;
    double sum_norm_sq = 0;
    for (int i = 0; i < n; ++i) {
        sum_exp += rng.exponential(4.0);
        const double g = rng.gamma(0.25, 4.0);  // mean 1, variance 4
        sum_gamma += g;
        sum_gamma_sq += g * g;
        const double z = rng.normal();
        sum_norm += z;
        sum_norm_sq += z * z;
    }
    CHECK(sum_exp / n == Approx(0.25).epsilon(0.02));
    const double gm = sum_gamma / n;
    CHECK(gm == Approx(1.0).epsilon(0.03));
    CHECK(sum_gamma_sq / n - gm * gm == Approx(4.0).epsilon(0.08));
    CHECK(sum_norm / n == Approx(0.0).margin(0.01));
    CHECK(sum_norm_sq / n == Approx(1.0).epsilon(0.02));
    for (int i = 0; i < 1000; ++i) {
        const uint64_t v = rng.uniform_int(7);
        CHECK(v < 7);
    }
}
