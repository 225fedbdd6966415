#pragma once
// The calibration loop: measurements + a base device (datasheet peaks) -> a calibrated hardware profile and a
// report of in-sample and held-out error per kernel class.
#include <optional>
#include <string>
#include <vector>

#include "hardware/calibration/kernel_fit.hpp"
#include "hardware/calibration/measurement.hpp"
#include "hardware/device_spec.hpp"

namespace llmsim::hardware {

struct CalibrationOptions {
    double holdout_fraction = 0.0;            // rows held out at random (deterministic by row content)
    std::vector<std::string> holdout_tags;    // rows with these tags are held out (e.g. other models' shapes)
    std::optional<DeviceSpec> transfer_from;  // fills classes this device has too few measurements for
    std::string source;                       // recorded in the profile
    std::string command;                      // the command that regenerates the profile
};

struct GroupReport {
    std::string group;   // class name ("gemm") or op name ("rope"), or "all_reduce x8 intra"
    std::string method;  // fitted, transferred, anchored, default
    FitStats in_sample;
    FitStats held_out;
};

struct CalibrationResult {
    DeviceSpec device;
    std::vector<GroupReport> groups;
};

CalibrationResult calibrate(const DeviceSpec& base, const std::vector<Measurement>& rows,
                            const CalibrationOptions& options);

// Markdown table of the report (what `llmsim calibrate` prints and writes with --report).
std::string calibration_report_markdown(const CalibrationResult& result);

// Prediction for one measurement under a device profile (kernels via CostModel, collectives via alpha-beta).
double predict_measurement_ns(const DeviceSpec& device, const Measurement& m);

}  // namespace llmsim::hardware
