#include "sim/serving/simulated_executor.hpp"

#include <algorithm>

#include "sim/engine/sim_time.hpp"

namespace llmsim::sim {

SimulatedExecutor::SimulatedExecutor(ForwardCost& cost, bool layerwise_kv_load)
    : cost_(cost),
      layerwise_kv_load_(layerwise_kv_load),
      power_(cost.hardware().device().power ? &*cost.hardware().device().power : nullptr),
      devices_per_stage_(static_cast<double>(cost.deployment().gpus()) / cost.deployment().parallel.pp) {
    stage_free_ns_.assign(static_cast<size_t>(cost.deployment().parallel.pp), 0);
}

IterationResult SimulatedExecutor::run(const Batch& batch, int64_t start_ns, int32_t replica, BatchObserver* observer) {
    const PassCost pass = cost_.pass(batch.shape());
    const auto stages = static_cast<int32_t>(stage_free_ns_.size());
    IterationResult out;
    // Host work (scheduling, input preparation, sampling) is serial with the device, unless the engine prepares this
    // step while the device runs the previous one: then only what the previous step's device time did not cover is
    // exposed (all of it after an idle gap, when there was no previous step to hide under).
    double exposed_ns = pass.overhead_ns;
    if (cost_.overhead().overlapped && start_ns <= last_end_ns_) {
        exposed_ns = std::max(0.0, exposed_ns - last_device_ns_);
    }
    out.overhead_ns = exposed_ns;
    int64_t t = start_ns + seconds_to_ns(exposed_ns * 1e-9);
    const int64_t device_start = t;
    // Serial loads finish before the pass starts; layerwise loads stream under it, each stage waiting for its
    // layers' share.
    // Drafting (speculative decoding) runs on the same devices before the verify pass that checks its proposals, or,
    // overlapped (PEARL), on the drafter's own device beside it: the step then ends when both are done.
    const int64_t draft = batch.draft_ns();
    if (draft > 0) {
        out.draft_ns = static_cast<double>(draft);
        if (observer != nullptr) observer->on_draft(replica, t, t + draft, batch);
        if (!batch.draft_overlapped()) t += draft;
    }
    // Weights a flash tier must bring in before the pass can start (serial; zero without a tier).
    if (pass.weight_load_ns > 0) t += seconds_to_ns(pass.weight_load_ns * 1e-9);
    const int64_t transfer = batch.kv_transfer_ns();
    if (!layerwise_kv_load_) {
        t += transfer;
        out.kv_transfer_ns = static_cast<double>(transfer);
    }
    for (int32_t s = 0; s < stages; ++s) {
        const int64_t start = std::max(t, stage_free_ns_[static_cast<size_t>(s)]);
        int64_t busy = seconds_to_ns(cost_.stage_ns(pass, s) * 1e-9);
        if (layerwise_kv_load_ && transfer / stages > busy) {
            out.kv_transfer_ns += static_cast<double>(transfer / stages - busy);  // the part the layers cannot hide
            busy = transfer / stages;
        }
        const int64_t end = start + busy;
        stage_free_ns_[static_cast<size_t>(s)] = end;
        out.busy_ns += static_cast<double>(end - start);
        // Each device of the stage draws above idle for the stage's busy time; drafting, host work and waits are idle.
        if (power_ != nullptr) {
            out.dynamic_energy_j += devices_per_stage_ * power_->dynamic_watts(pass.compute_share, pass.memory_share) *
                                    static_cast<double>(end - start) * 1e-9;
        }
        if (observer != nullptr) observer->on_stage(replica, s, start, end, batch);
        t = end + (s + 1 < stages ? seconds_to_ns(pass.boundary_ns * 1e-9) : 0);
    }
    if (draft > 0 && batch.draft_overlapped()) t = std::max(t, device_start + draft);
    out.end_ns = t;
    last_end_ns_ = t;
    last_device_ns_ = static_cast<double>(t - device_start);
    return out;
}

}  // namespace llmsim::sim
