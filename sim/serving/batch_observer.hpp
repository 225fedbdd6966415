#pragma once
// Hook for timelines: told when each pipeline stage of each replica runs a batch, when its drafts are proposed
// (Chrome trace writer, tests), and once per launched step with the replica's state (the run timeline of `run --out`).
#include <cstdint>

#include "sim/serving/batch.hpp"

namespace llmsim::sim {

// One launched step of a replica: its batch and the replica's KV use when the batch was chosen.
struct StepSample {
    int32_t pool = 0;
    int32_t replica = 0;  // index within the pool
    int64_t start_ns = 0;
    int64_t end_ns = 0;
    int32_t seqs = 0;
    int64_t tokens = 0;
    int64_t sampled_tokens = 0;
    double busy_ns = 0;  // device time summed over pipeline stages
    int32_t stages = 1;
    int64_t kv_used_blocks = 0;  // summed over the replica's virtual engines
    int64_t kv_capacity_blocks = 0;
};

class BatchObserver {
  public:
    virtual ~BatchObserver() = default;
    virtual void on_stage(int32_t replica, int32_t stage, int64_t start_ns, int64_t end_ns, const Batch& batch) = 0;
    // Speculative drafting of a batch (before its verify pass, or beside it when the batch says it overlaps).
    virtual void on_draft(int32_t /*replica*/, int64_t /*start_ns*/, int64_t /*end_ns*/, const Batch& /*batch*/) {}
    // Default: ignored (observers that draw only batch slices need not care).
    virtual void on_step(const StepSample& /*step*/) {}
};

}  // namespace llmsim::sim
