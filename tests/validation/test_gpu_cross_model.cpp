// Cross-model GPU validation: a profile fitted on Llama-2-7B per-op measurements only predicts the per-op times of
// models it never saw (Llama-2-70B; on A100 also Llama-3-8B). Checked twice: for a fresh fit of the shared Vidur
// profiles and for the shipped presets (produced by scripts/calibrate-presets.sh with the same hold-out).
// Target: median GEMM error <= 15% per held-out model.
#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <iostream>
#include <map>

#include "hardware/calibration/calibrate.hpp"
#include "hardware/catalogue.hpp"
#include "tests/support/test_support.hpp"
#include "tools/calibration/importers.hpp"

namespace {

struct Gpu {
    const char* preset;
    const char* vidur;
    std::vector<std::string> held_out;
};

const std::vector<Gpu> kGpus = {{"a100-sxm-80gb", "a100", {"Llama-2-70b-hf", "Meta-Llama-3-8B"}},
                                {"h100-sxm", "h100", {"Llama-2-70b-hf"}}};

// Median |error| per (held-out model, op class), printed as a table; returns the GEMM medians per model.
std::map<std::string, double> held_out_errors(const std::string& title, const llmsim::hardware::DeviceSpec& device,
                                              const std::vector<llmsim::hardware::Measurement>& rows,
                                              const std::vector<std::string>& held_out) {
    std::map<std::pair<std::string, std::string>, std::vector<double>> errors;
    for (const auto& r : rows) {
        if (std::find(held_out.begin(), held_out.end(), r.tag) == held_out.end()) continue;
        const double p = llmsim::hardware::predict_measurement_ns(device, r);
        errors[{r.tag, std::string(llmsim::op_class_name(r.op_class))}].push_back(
            llmsim::test::rel_error(p, r.time_ns_median));
    }
    std::cout << "\n"
              << title << "\n"
              << fmt::format("  {:<18} {:<12} {:>6} {:>12}\n", "held-out model", "op class", "ops", "median err");
    std::map<std::string, double> gemm;
    for (auto& [key, errs] : errors) {
        const double med = llmsim::test::median(errs);
        std::cout << fmt::format("  {:<18} {:<12} {:>6} {:>11.1f}%\n", key.first, key.second, errs.size(), med * 100);
        if (key.second == "gemm") gemm[key.first] = med;
    }
    return gemm;
}

}  // namespace

TEST_CASE("calibration: GPU profiles fitted on Llama-2-7B predict other models' GEMMs within 15% median",
          "[validation][calibration][shared]") {
    const auto dir = llmsim::test::shared_file("calibration/vidur-profiles");
    if (!dir) {
        llmsim::test::skip("../shared/calibration/vidur-profiles not present");
        return;
    }
    for (const auto& gpu : kGpus) {
        const auto rows = llmsim::tools::import_vidur_dir(*dir, gpu.vidur, "");
        const auto base = llmsim::hardware::device_from_json(
            llmsim::load_json_file(llmsim::test::source_path(std::string("hardware/base/") + gpu.preset + ".json")),
            gpu.preset);
        llmsim::hardware::CalibrationOptions opt;
        opt.holdout_tags = gpu.held_out;
        const auto fitted = llmsim::hardware::calibrate(base, rows, opt);
        const auto fresh = held_out_errors(fmt::format("{}: fitted here on Llama-2-7B only", gpu.preset), fitted.device,
                                           rows, gpu.held_out);
        const auto shipped = held_out_errors(fmt::format("{}: shipped preset", gpu.preset),
                                             llmsim::hardware::resolve_device(gpu.preset), rows, gpu.held_out);
        for (const auto& model : gpu.held_out) {
            INFO(gpu.preset << " " << model);
            REQUIRE(fresh.count(model) == 1);
            CHECK(fresh.at(model) <= 0.15);
            REQUIRE(shipped.count(model) == 1);
            CHECK(shipped.at(model) <= 0.15);
        }
    }
}
