// Power and energy through the CLI: run --json's energy keys, the hand-checkable constant-power case, train --json's
// energy per step, provenance warnings, and bad power figures (exit 2 naming file and key).
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "common/json_io.hpp"
#include "tests/support/test_support.hpp"

using namespace llmsim;
using namespace llmsim::test;

namespace {

const std::vector<std::string> kRun = {"run",           "--model",      "llama-2-7b", "--num-requests", "20", "--qps",
                                       "4",             "--lengths",    "fixed:256:64", "--seed",       "1", "--json"};

std::vector<std::string> run_args(const std::string& hardware, const std::vector<std::string>& extra = {}) {
    std::vector<std::string> a = kRun;
    a.insert(a.end(), {"--hardware", hardware});
    a.insert(a.end(), extra.begin(), extra.end());
    return a;
}

// The a100 preset with its power changed (and its calibration kept), written to `dir`.
std::string a100_with_power(const TempDir& dir, const std::string& tdp, const std::string& idle) {
    Json j = load_json_file(source_path("hardware/presets/a100-sxm-80gb.json"));
    j["tdp"] = tdp;
    j["power"]["idle"] = idle;
    return dir.write("a100-power.json", j.dump(2));
}

}  // namespace

TEST_CASE("run --json: energy per token, average power and provenance", "[cli][power]") {
    const CommandResult r = run_llmsim(run_args("a100"));
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    const Json j = Json::parse(r.out);
    const double e = j["energy_j"].get<double>();
    const double t = j["sim_duration_s"].get<double>();
    const double p = j["average_power_w"].get<double>();
    CHECK(p == Approx(e / t).epsilon(1e-5));
    // Between every device idle and every device at tdp (one A100: 60 W .. 400 W).
    CHECK(p > 60.0);
    CHECK(p < 400.0);
    const double out_tokens = j["output_tokens_per_s"].get<double>();
    REQUIRE(out_tokens > 0);
    CHECK(j["energy_j_per_token"]["output"].get<double>() == Approx(e / (20 * 64)).epsilon(1e-5));
    CHECK(j["energy_j_per_token"]["total"].get<double>() == Approx(e / (20 * (256 + 64))).epsilon(1e-5));
    CHECK(j["deployment"]["provenance"] == "measured");
    CHECK(r.err.find("provenance") == std::string::npos);
}

TEST_CASE("run --json: with idle = tdp the power is constant, so energy = devices x tdp x duration",
          "[cli][power][analytic]") {
    TempDir dir;
    const std::string profile = a100_with_power(dir, "400W", "400W");
    const CommandResult r = run_llmsim(run_args(profile, {"--tp", "2"}));
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    const Json j = Json::parse(r.out);
    CHECK(j["energy_j"].get<double>() == Approx(2 * 400.0 * j["sim_duration_s"].get<double>()).epsilon(1e-5));
    CHECK(j["average_power_w"].get<double>() == Approx(800.0).epsilon(1e-5));
}

TEST_CASE("run: a profile without power prints no energy; transferred and default curves warn once", "[cli][power]") {
    TempDir dir;
    Json j = load_json_file(source_path("hardware/presets/a40.json"));
    j.erase("power");
    const std::string no_power = dir.write("a40-nopower.json", j.dump(2));
    const CommandResult a = run_llmsim(run_args(no_power));
    REQUIRE(a.exit_code == 0);
    const Json ja = Json::parse(a.out);
    CHECK_FALSE(ja.contains("energy_j"));
    CHECK_FALSE(ja.contains("energy_j_per_token"));
    CHECK(ja["deployment"]["provenance"] == "transferred");
    CHECK(a.err.find("warning: a40's kernel efficiency curves are transferred") != std::string::npos);

    j.erase("calibration");
    const std::string uncalibrated = dir.write("a40-raw.json", j.dump(2));
    const CommandResult b = run_llmsim(run_args(uncalibrated));
    REQUIRE(b.exit_code == 0);
    CHECK(Json::parse(b.out)["deployment"]["provenance"] == "default");
    CHECK(b.err.find("warning: a40 has no calibration") != std::string::npos);
}

TEST_CASE("train --json: energy per step from the step's compute time and busy shares", "[cli][power]") {
    const CommandResult r = run_llmsim({"train", "--model", "llama-2-7b", "--hardware", "a100", "--gpus", "8", "--tp",
                                        "1", "--pp", "1", "--micro-batch", "1", "--global-batch", "64", "--seq-len",
                                        "2048", "--json"});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    const Json j = Json::parse(r.out);
    REQUIRE(j.contains("energy"));
    const double step_s = j["step_time_s"].get<double>();
    const double compute_s = j["time_breakdown_s"]["compute"].get<double>();
    const double w = j["energy"]["average_power_w_per_gpu"].get<double>();
    CHECK(w > 60.0);
    CHECK(w <= 400.0);
    // E = gpus x (idle x step + dynamic x compute), dynamic = 340 W x min(1, share_c + 0.5 share_m).
    const double sc = j["energy"]["compute_share"].get<double>();
    const double sm = j["energy"]["memory_share"].get<double>();
    const double expect = 8 * (60.0 * step_s + 340.0 * std::min(1.0, sc + 0.5 * sm) * compute_s);
    CHECK(j["energy"]["joules_per_step"].get<double>() == Approx(expect).epsilon(1e-4));
    CHECK(sc > 0.5);  // training GEMMs are compute-bound
}

TEST_CASE("bad power figures exit 2 naming the file and the key", "[cli][power][errors]") {
    TempDir dir;
    for (const auto& [tdp, idle, key] : std::vector<std::tuple<std::string, std::string, std::string>>{
             {"6000W", "100W", "tdp"}, {"400W", "500W", "idle"}}) {
        const std::string profile = a100_with_power(dir, tdp, idle);
        const CommandResult r = run_llmsim(run_args(profile));
        INFO(r.err);
        CHECK(r.exit_code == 2);
        CHECK(r.err.find("a100-power.json") != std::string::npos);
        CHECK(r.err.find(key) != std::string::npos);
    }
}
