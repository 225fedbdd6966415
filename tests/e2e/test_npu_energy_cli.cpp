// NPU energy through the CLI: an NPU's float outlier work on the CPU (hardware/npu.hpp) adds the CPU's draw for the
// outliers' time to the run's energy, hand-computed for one prefill.
#include <catch2/catch.hpp>
#include <string>

#include "common/json_io.hpp"
#include "tests/support/test_support.hpp"

using namespace llmsim;
using namespace llmsim::test;

TEST_CASE("run --json: an NPU's outlier_power x the outliers' CPU time adds to the energy",
          "[cli][power][npu][analytic]") {
    // One 256-token prefill of Qwen1.5-1.8B (24 layers, hidden 2048, MLP 5504): per layer the GEMMs hold
    // 4 x 2048^2 + 3 x 2048 x 5504 weights, 1% of whose 2 x 256 x weights FLOPs run on the CPU at 0.3 TFLOPS. The
    // CPU draws outlier_power (4.4 W in the preset) for that time; the profile without it draws nothing for it.
    TempDir dir;
    Json with = load_json_file(source_path("hardware/presets/snapdragon-8gen3-npu.json"));
    REQUIRE(with["npu"]["outlier_power"] == "4.4W");
    Json without = with;
    without["npu"].erase("outlier_power");
    auto energy = [&](const Json& profile, const std::string& name) {
        const CommandResult r = run_llmsim({"run", "--model", "qwen1.5-1.8b", "--hardware",
                                            dir.write(name, profile.dump(2)), "--num-requests", "1", "--qps", "inf",
                                            "--lengths", "fixed:256:1", "--framework-overhead", "none", "--json"});
        INFO(r.err);
        REQUIRE(r.exit_code == 0);
        const Json j = Json::parse(r.out);
        return std::pair{j["energy_j"].get<double>(), j["sim_duration_s"].get<double>()};
    };
    const auto [e_with, t_with] = energy(with, "with.json");
    const auto [e_without, t_without] = energy(without, "without.json");
    CHECK(t_with == t_without);  // power does not change time
    const double weights = 4.0 * 2048 * 2048 + 3.0 * 2048 * 5504;
    const double cpu_s = 24 * 0.01 * 2 * 256 * weights / 0.3e12;
    std::printf("npu outlier energy: %.4f J, hand-computed %.4f J (%.1f ms of CPU work at 4.4 W)\n", e_with - e_without,
                4.4 * cpu_s, cpu_s * 1e3);
    CHECK(e_with - e_without == Approx(4.4 * cpu_s).epsilon(2e-3));
}
