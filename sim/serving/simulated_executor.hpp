#pragma once
// The simulator's iteration executor: a batch costs host overhead (hidden under the previous step's device time
// when the engine overlaps its host loop), then its KV transfers (serial, or overlapped
// layer by layer with the forward pass), then each pipeline stage in order (a stage starts when the previous stage
// has finished this micro-batch and it has finished the previous micro-batch), with activation transfers between
// stages. Bubbles are what falls out, not an assumption.
#include <memory>
#include <vector>

#include "sim/cost/forward_cost.hpp"
#include "sim/serving/iteration_executor.hpp"

namespace llmsim::sim {

class SimulatedExecutor final : public IterationExecutor {
  public:
    // `layerwise_kv_load`: KV loaded from lower tiers streams in layer by layer during the pass.
    SimulatedExecutor(ForwardCost& cost, bool layerwise_kv_load);

    [[nodiscard]] int32_t stages() const override { return static_cast<int32_t>(stage_free_ns_.size()); }
    [[nodiscard]] int64_t stage0_free_ns() const override { return stage_free_ns_[0]; }
    IterationResult run(const Batch& batch, int64_t start_ns, int32_t replica, BatchObserver* observer) override;

  private:
    ForwardCost& cost_;
    bool layerwise_kv_load_;
    const hardware::PowerSpec* power_;  // null without a power model: no energy work on the hot path
    double side_watts_;                 // draw of work beside the device while it runs (NPU outliers on the CPU)
    double devices_per_stage_;
    std::vector<int64_t> stage_free_ns_;
    int64_t last_end_ns_ = -1;   // when the previous iteration's results were ready
    double last_device_ns_ = 0;  // its device time, which overlapped host work can hide under
};

}  // namespace llmsim::sim
