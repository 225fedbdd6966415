#pragma once
// One model replica (TP x PP GPUs): its scheduler, KV pool and iteration loop. With pipeline parallelism up to
// `pp` micro-batches are in flight; a new one starts when stage 0 frees up, stages run in order, activations cross
// each stage boundary, and bubbles are measured rather than assumed.
#include <cstdint>
#include <memory>
#include <vector>

#include "policies/router/router.hpp"
#include "policies/scheduler/scheduler.hpp"
#include "sim/cost/forward_cost.hpp"
#include "sim/engine/engine.hpp"
#include "sim/serving/batch.hpp"
#include "sim/serving/batch_observer.hpp"
#include "sim/serving/kv_block_manager.hpp"

namespace llmsim::sim {

class RequestSink {
public:
    virtual ~RequestSink() = default;
    virtual void on_finished(RequestState& r) = 0;
};

struct ReplicaStats {
    int64_t iterations = 0;
    int64_t preemptions = 0;
    int64_t batched_seqs = 0;     // sum of batch sizes (mean batch = batched_seqs / iterations)
    int64_t batched_tokens = 0;
    int64_t kv_peak_blocks = 0;
    int64_t kv_capacity_blocks = 0;
    double stage_busy_ns = 0;     // summed over stages
    double active_ns = 0;         // time with at least one batch in flight
    double overhead_ns = 0;       // host framework overhead
    int32_t stages = 1;
};

class Replica final : public EventHandler, public policies::SchedulerContext {
public:
    Replica(int32_t index, Engine& engine, ForwardCost& cost, std::unique_ptr<policies::Scheduler> scheduler,
            int64_t kv_blocks, int32_t block_tokens, RequestSink& sink, BatchObserver* observer);

    void add(RequestState& r);
    [[nodiscard]] policies::ReplicaLoad load() const;
    [[nodiscard]] ReplicaStats stats() const;
    [[nodiscard]] const KvBlockManager& kv_pool() const { return kv_; }

    void on_event(uint32_t kind, uint64_t payload) override;
    KvBlockManager& kv() override { return kv_; }
    void preempt(RequestState& r) override;

private:
    enum EventKind : uint32_t { kDispatch = 0, kBatchDone = 1 };
    struct Slot {
        Batch batch;
        bool busy = false;
    };
    void try_dispatch();
    void complete(size_t slot);

    int32_t index_;
    Engine& engine_;
    ForwardCost& cost_;
    std::unique_ptr<policies::Scheduler> scheduler_;
    KvBlockManager kv_;
    RequestSink& sink_;
    BatchObserver* observer_;
    int32_t stages_;
    std::vector<Slot> slots_;
    std::vector<int64_t> stage_free_ns_;
    bool dispatch_pending_ = false;
    int32_t in_flight_ = 0;
    int64_t active_since_ns_ = 0;
    int64_t outstanding_requests_ = 0;
    int64_t outstanding_tokens_ = 0;
    ReplicaStats stats_;
};

}  // namespace llmsim::sim
