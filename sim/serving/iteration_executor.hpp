#pragma once
// The iteration executor seam: what turns a scheduled batch into elapsed time. The replica core (replica.hpp) does
// admission, scheduling, progress and completion; an executor only runs or prices the batch. The simulator's
// executor prices it with the cost model (simulated_executor.hpp); `llmsim bench serve` runs it on a real CPU
// transformer and reports wall-clock time, so both drive the same replica loop.
#include <cstdint>

#include "sim/serving/batch.hpp"
#include "sim/serving/batch_observer.hpp"

namespace llmsim::sim {

struct IterationResult {
    int64_t end_ns = 0;         // when the batch's results are available (its requests progress then)
    double busy_ns = 0;         // device busy time, summed over pipeline stages
    double overhead_ns = 0;     // host work serial with the device (scheduling, input preparation, sampling)
    double kv_transfer_ns = 0;  // KV-move time the iteration waited for (loads and swaps compute did not hide)
    double draft_ns = 0;        // speculative drafting before the verify pass
    double dynamic_energy_j = 0;  // energy above idle of the devices that ran the pass (power model; else 0)
};

class IterationExecutor {
  public:
    virtual ~IterationExecutor() = default;
    // Pipeline stages (micro-batches in flight at once).
    [[nodiscard]] virtual int32_t stages() const = 0;
    // Earliest time a new micro-batch may start: when stage 0 is free.
    [[nodiscard]] virtual int64_t stage0_free_ns() const = 0;
    // Called at `now_ns` before the scheduler forms a batch; returns the iteration's start time (a real executor
    // first waits for the wall clock to reach now_ns and returns the wall-clock time).
    virtual int64_t begin(int64_t now_ns) { return now_ns; }
    // Runs `batch` from `start_ns`; tells `observer` (may be null) when each stage ran it.
    virtual IterationResult run(const Batch& batch, int64_t start_ns, int32_t replica, BatchObserver* observer) = 0;
};

}  // namespace llmsim::sim
