#pragma once
// Hook for timelines: told when each pipeline stage of each replica runs a batch, and when its drafts are proposed
// (Chrome trace writer, tests).
#include <cstdint>

#include "sim/serving/batch.hpp"

namespace llmsim::sim {

class BatchObserver {
  public:
    virtual ~BatchObserver() = default;
    virtual void on_stage(int32_t replica, int32_t stage, int64_t start_ns, int64_t end_ns, const Batch& batch) = 0;
    // Speculative drafting of a batch (before its verify pass, or beside it when the batch says it overlaps).
    virtual void on_draft(int32_t /*replica*/, int64_t /*start_ns*/, int64_t /*end_ns*/, const Batch& /*batch*/) {}
};

}  // namespace llmsim::sim
