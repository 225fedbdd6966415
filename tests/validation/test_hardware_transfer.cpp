// How good is "transferred from a calibrated device"? The only published measurements on a device whose curves are
// transferred are Azure's H200 triad and FlashAttention-2 runs (../shared/reference/achievable-fractions-azure.csv).
// The pure transfer from h100-sxm (what rtx-4090 and rtx-pro-6000 get) predicts them held out; the shipped h200-sxm
// preset (whose curves b200 and gb200 take) is anchored to them, so its rows are in-sample and must reproduce them.
// Skipped when the data is absent.
#include <catch2/catch.hpp>

#include <cstdio>
#include <string>
#include <vector>

#include "common/json_io.hpp"
#include "hardware/calibration/calibrate.hpp"
#include "hardware/catalogue.hpp"
#include "tests/support/test_support.hpp"
#include "tools/calibration/importers.hpp"

using namespace llmsim;
using namespace llmsim::hardware;

namespace {

// Per-row error of a profile on the published rows, printed as a table.
std::vector<double> row_errors(const DeviceSpec& dev, const std::vector<Measurement>& rows, const char* label) {
    std::vector<double> errors;
    for (const auto& m : rows) {
        const double predicted = predict_measurement_ns(dev, m);
        errors.push_back(test::rel_error(predicted, m.time_ns_median));
        std::printf("  %-22s %-14s measured %10.1f us predicted %10.1f us (%+.1f%%)\n", label, m.op_name.c_str(),
                    m.time_ns_median * 1e-3, predicted * 1e-3, 100 * (predicted - m.time_ns_median) / m.time_ns_median);
    }
    return errors;
}

}  // namespace

TEST_CASE("transferred curves: H200 (from h100-sxm) vs Azure's published H200 triad and FlashAttention-2",
          "[validation][hardware]") {
    const auto path = test::shared_file("reference/achievable-fractions-azure.csv");
    if (!path) {
        test::skip("../shared/reference/achievable-fractions-azure.csv not present");
        return;
    }
    const auto rows = tools::import_achievable_fractions(*path, "h200-sxm");
    REQUIRE(rows.size() == 2);  // hbm_triad, flash_attention2_fwd_b2_s8192_hd128

    // Held out: the H200 datasheet base with h100-sxm's curves and nothing anchored.
    const DeviceSpec base = load_device_file(test::source_path("hardware/base/h200-sxm.json"));
    CalibrationOptions options;
    options.transfer_from = resolve_device("h100-sxm");
    const DeviceSpec transferred = calibrate(base, {}, options).device;
    const auto held_out = row_errors(transferred, rows, "transfer (held out)");
    // Same die, more and faster HBM: H100's fractions of peak carry over to within 20% here.
    for (double e : held_out)
        CHECK(e <= 0.20);

    // In-sample: the shipped preset is anchored to these two rows.
    const auto anchored = row_errors(resolve_device("h200-sxm"), rows, "h200-sxm (in-sample)");
    for (double e : anchored)
        CHECK(e <= 0.05);
}
