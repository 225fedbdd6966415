#pragma once
// Fits alpha-beta collective profiles: latency from the smallest messages, bus efficiency vs message size.
#include <vector>

#include "hardware/calibration/kernel_fit.hpp"
#include "hardware/calibration/measurement.hpp"
#include "hardware/device_spec.hpp"

namespace llmsim::hardware {

struct CollectiveFit {
    CollectiveKind kind = CollectiveKind::all_reduce;
    bool inter_node = false;
    CollectiveProfile profile;
    FitStats stats;
};

// Groups rows by (collective, group size, intra/inter-node) and fits each group with at least
// kMinPointsPerKernelFit rows. The link bandwidth used is the device's intra- or inter-node link.
std::vector<CollectiveFit> fit_collectives(const std::vector<const Measurement*>& rows, const DeviceSpec& device);

double predict_collective_ns(const CollectiveProfile& p, CollectiveKind kind, const Link& link, double bytes);

}  // namespace llmsim::hardware
