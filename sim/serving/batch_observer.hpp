#pragma once
// Hook for timelines: told when each pipeline stage of each replica runs a batch (Chrome trace writer, tests).
#include <cstdint>

#include "sim/serving/batch.hpp"

namespace llmsim::sim {

class BatchObserver {
  public:
    virtual ~BatchObserver() = default;
    virtual void on_stage(int32_t replica, int32_t stage, int64_t start_ns, int64_t end_ns, const Batch& batch) = 0;
};

}  // namespace llmsim::sim
