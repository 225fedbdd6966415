#pragma once
// Time a pass spends bringing weights in from a flash tier (models/weight_offload.hpp says which bytes, the device's
// read curve how fast): bytes / read throughput at the plan's chunk size, then, on a GPU host, the same bytes over
// the host link (flash -> host DRAM -> device; the two hops are serial), plus the activation predictor reading its
// own weights from device memory once per pass. Loads finish before the pass computes (the paper overlaps neither).
#include <cstdint>

#include "hardware/flash_read_curve.hpp"
#include "models/weight_offload.hpp"

namespace llmsim::sim {

class FlashWeights {
  public:
    // `host_link_bytes_per_s`: 0 on a CPU host (flash reads land where the CPU computes).
    FlashWeights(models::WeightOffloadPlan plan, hardware::FlashReadCurve curve, double host_link_bytes_per_s,
                 double memory_bytes_per_s);

    // Load time of a pass over `tokens` new tokens.
    [[nodiscard]] double pass_ns(int64_t tokens) const;
    [[nodiscard]] double read_bytes_per_s() const { return read_bytes_per_s_; }
    [[nodiscard]] double host_link_bytes_per_s() const { return host_link_bytes_per_s_; }
    [[nodiscard]] const models::WeightOffloadPlan& plan() const { return plan_; }
    [[nodiscard]] const hardware::FlashReadCurve& curve() const { return curve_; }

  private:
    models::WeightOffloadPlan plan_;
    hardware::FlashReadCurve curve_;
    double host_link_bytes_per_s_;
    double read_bytes_per_s_;  // the curve at the plan's chunk size
    double predictor_ns_ = 0;  // per pass, when sparse loading reads anything
};

}  // namespace llmsim::sim
