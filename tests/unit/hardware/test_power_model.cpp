// The power model (hardware/power_model.*): power from busy shares, the profile checks, and energy as the integral of
// power over a hand-worked serving timeline.
#include <catch2/catch.hpp>

#include "common/error.hpp"
#include "hardware/catalogue.hpp"
#include "hardware/device_spec.hpp"
#include "hardware/power_model.hpp"
#include "policies/cluster_spec.hpp"
#include "tests/unit/sim_fixture.hpp"

using namespace llmsim;
using namespace llmsim::test;

namespace {

hardware::PowerSpec power(double idle, double tdp, double compute_weight = 1.0, double memory_weight = 0.5) {
    hardware::PowerSpec p;
    p.idle_watts = idle;
    p.tdp_watts = tdp;
    p.compute_weight = compute_weight;
    p.memory_weight = memory_weight;
    p.source = "test";
    return p;
}

Json profile_with(const std::string& tdp, const std::string& idle) {
    Json j = Json::parse(hardware::device_to_json(test::instant_device()).dump());
    j["tdp"] = tdp;
    j["power"] = {{"idle", idle}, {"source", "test"}};
    return j;
}

}  // namespace

TEST_CASE("power: idle + (tdp - idle) x min(1, weighted busy shares)", "[power]") {
    const auto p = power(100, 300);
    CHECK(p.step_watts(0, 0) == Approx(100));
    CHECK(p.step_watts(1, 0) == Approx(300));
    CHECK(p.step_watts(0, 1) == Approx(200));                 // memory-bound step: half the dynamic range
    CHECK(p.step_watts(0.2, 0.8) == Approx(100 + 200 * 0.6));  // 0.2 + 0.5 x 0.8
    CHECK(p.step_watts(0.9, 0.9) == Approx(300));              // saturates at tdp
    CHECK(p.dynamic_watts(0.2, 0.8) == Approx(120));
}

TEST_CASE("power: every preset carries idle below its tdp, and a sourced figure", "[power]") {
    for (const auto& d : hardware::device_presets()) {
        INFO(d.id);
        REQUIRE(d.power.has_value());
        CHECK(d.power->idle_watts > 0);
        CHECK(d.power->idle_watts < d.tdp_watts);
        CHECK(d.tdp_watts <= hardware::kMaxDeviceWatts);
        CHECK_FALSE(d.power->source.empty());
        // Round trip through the profile writer.
        const auto back = hardware::device_from_json(Json::parse(hardware::device_to_json(d).dump()), "roundtrip");
        REQUIRE(back.power.has_value());
        CHECK(back.power->idle_watts == Approx(d.power->idle_watts));
        CHECK(back.provenance() == d.provenance());
    }
}

TEST_CASE("power: a figure above a physical bound is an input error naming file and key", "[power]") {
    auto rejects = [](const Json& j, const std::string& key) {
        try {
            (void)hardware::device_from_json(j, "dev.json");
            FAIL("accepted " << j.dump());
        } catch (const InputError& e) {
            const std::string what = e.what();
            INFO(what);
            CHECK(what.find("dev.json") != std::string::npos);
            CHECK(what.find(key) != std::string::npos);
        }
    };
    rejects(profile_with("6000W", "100W"), "tdp");      // no single device draws 6 kW
    rejects(profile_with("300W", "400W"), "idle");      // idle above tdp
    rejects(profile_with("300W", "-5W"), "idle");
    Json no_tdp = profile_with("300W", "50W");
    no_tdp.erase("tdp");
    rejects(no_tdp, "tdp");
    Json bad_weight = profile_with("300W", "50W");
    bad_weight["power"]["memory_weight"] = 1.5;
    rejects(bad_weight, "memory_weight");
    Json no_source = profile_with("300W", "50W");
    no_source["power"].erase("source");
    rejects(no_source, "source");
}

TEST_CASE("power: serving energy is the integral of power over a hand-worked timeline", "[power][analytic]") {
    // Instant device at 1 TB/s: every kernel is bound by its weight reads (compute share ~0, memory share 1), host
    // overhead 1 ms per step, serial. One request, prompt 8, output 5: five steps. While a step's kernels run the
    // device draws idle + (tdp - idle) x 0.5 = 200 W; otherwise 100 W. So the energy above idle is 100 W x the
    // device time, and the run's energy is 100 W x T + 100 W x device time.
    auto device = instant_device("1TB/s");
    device.power = power(100, 300);
    models::InferenceParallel par;
    auto dep = sim::make_deployment(models::resolve_model("llama-tiny-15m"), par,
                                    models::Precision::from_dtype(DType::fp16), device);
    sim::ForwardCost cost(dep, hardware::CostModel(device), sim::parse_framework_overhead("1000", "test"));
    const auto run = policies::simulate(cluster_of("sarathi"), cost, workload_of({{0, 8, 5}}));
    const auto& r = run.requests[0];
    const double device_s = (ms(r.finish_ns) - 5.0) * 1e-3;  // five steps of 1 ms host work each
    REQUIRE(device_s > 1e-5);
    REQUIRE(run.replicas.size() == 1);
    CHECK(run.replicas[0].stage_busy_ns * 1e-9 == Approx(device_s).epsilon(1e-6));
    CHECK(run.replicas[0].dynamic_energy_j == Approx(100.0 * device_s).epsilon(1e-4));

    // Without a power model the executor does no energy work.
    auto plain = instant_cost(1, "1000", "1TB/s");
    const auto off = policies::simulate(cluster_of("sarathi"), plain, workload_of({{0, 8, 5}}));
    CHECK(off.replicas[0].dynamic_energy_j == 0.0);
}
