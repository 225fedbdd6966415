#pragma once
// Fits one kernel profile (compute efficiency vs FLOPs, memory efficiency vs bytes, fixed overhead) to timed
// kernels of one class or op name. Curves are monotone non-decreasing, bounded by 1, flat outside the data.
#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "hardware/calibration/measurement.hpp"
#include "hardware/device_spec.hpp"

namespace llmsim::hardware {

struct FitStats {
    size_t points = 0;
    double median_error = 0;  // |predicted - measured| / measured
    double p90_error = 0;
    double max_error = 0;
};

FitStats error_stats(const std::vector<double>& predicted_ns, const std::vector<double>& measured_ns);

struct KernelFit {
    KernelProfile profile;
    std::map<DType, double> dtype_scale;  // compute-efficiency scale of non-primary dtypes
    FitStats stats;
};

inline constexpr size_t kMinPointsPerKernelFit = 4;

// `rows` must be non-collective and at least kMinPointsPerKernelFit long (else InputError naming `group`).
KernelFit fit_kernel_profile(const std::vector<const Measurement*>& rows, const DeviceSpec& device,
                             const std::string& group);

// Prediction for one measured launch with a profile (what CostModel would say).
double predict_kernel_ns(const KernelProfile& profile, const std::map<DType, double>& dtype_scale,
                         const DeviceSpec& device, const Measurement& m);

// Builds a curve from (size, implied efficiency) samples: half-octave bins, medians, isotonic regression.
EfficiencyCurve isotonic_curve(std::vector<std::pair<double, double>> samples, size_t min_per_bin = 2);

}  // namespace llmsim::hardware
