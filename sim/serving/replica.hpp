#pragma once
// One model replica (TP x PP GPUs): its iteration loop over pipeline stages. With pipeline parallelism the replica
// runs `pp` virtual engines (vLLM's design): each has its own scheduler and share of the KV pool, new requests go to
// the least-loaded one, and up to `pp` micro-batches (one per engine) are in flight. A micro-batch starts when stage
// 0 frees up, stages run in order, activations cross each stage boundary, and bubbles are measured, not assumed.
#include <cstdint>
#include <functional>
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
    int64_t batched_seqs = 0;  // sum of batch sizes (mean batch = batched_seqs / iterations)
    int64_t batched_tokens = 0;
    int64_t kv_peak_blocks = 0;
    int64_t kv_capacity_blocks = 0;
    double stage_busy_ns = 0;  // summed over stages
    double active_ns = 0;      // time with at least one batch in flight
    double overhead_ns = 0;    // host framework overhead
    int32_t stages = 1;
};

using SchedulerFactory = std::function<std::unique_ptr<policies::Scheduler>()>;

class Replica final : public EventHandler {
  public:
    Replica(int32_t index, Engine& engine, ForwardCost& cost, const SchedulerFactory& make_scheduler, int64_t kv_blocks,
            int32_t block_tokens, RequestSink& sink, BatchObserver* observer);

    void add(RequestState& r);
    // Whether a request of `tokens` (prompt + output) could ever be served here (it fits one engine's KV share).
    [[nodiscard]] bool can_ever_fit(int64_t tokens) const;
    [[nodiscard]] policies::ReplicaLoad load() const;
    [[nodiscard]] ReplicaStats stats() const;

    void on_event(uint32_t kind, uint64_t payload) override;

  private:
    enum EventKind : uint32_t { kDispatch = 0, kBatchDone = 1 };

    // A scheduler with its KV share and its one micro-batch slot.
    class VirtualEngine final : public policies::SchedulerContext {
      public:
        VirtualEngine(std::unique_ptr<policies::Scheduler> s, int64_t blocks, int32_t block_tokens, int32_t window,
                      ReplicaStats& stats)
            : scheduler(std::move(s)), pool(blocks, block_tokens), batch(window), stats_(stats) {}
        KvBlockManager& kv() override { return pool; }
        void preempt(RequestState& r) override;

        std::unique_ptr<policies::Scheduler> scheduler;
        KvBlockManager pool;
        Batch batch;
        bool busy = false;
        int64_t outstanding = 0;

      private:
        ReplicaStats& stats_;
    };

    void request_dispatch();
    void try_dispatch();
    void complete(size_t engine);

    int32_t index_;
    Engine& engine_;
    ForwardCost& cost_;
    RequestSink& sink_;
    BatchObserver* observer_;
    int32_t stages_;
    ReplicaStats stats_;
    std::vector<std::unique_ptr<VirtualEngine>> engines_;
    size_t next_engine_ = 0;  // engines take turns at stage 0
    std::vector<int64_t> stage_free_ns_;
    bool dispatch_pending_ = false;
    int32_t in_flight_ = 0;
    int64_t active_since_ns_ = 0;
    int64_t outstanding_requests_ = 0;
    int64_t outstanding_tokens_ = 0;
};

}  // namespace llmsim::sim
