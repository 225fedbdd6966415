#pragma once
// The replica core: one model replica (TP x PP GPUs) as admission, scheduling, execution and completion, the same
// for the simulator and the real serving loop (`bench serve`): only the IterationExecutor differs. With pipeline
// parallelism the replica runs `pp` virtual engines (vLLM's design): each has its own scheduler and share of the KV
// pool, new requests go to the least-loaded one, and up to `pp` micro-batches (one per engine) are in flight.
#include <cstdint>
#include <functional>
#include <memory>
#include <unordered_map>
#include <vector>

#include "sim/engine/engine.hpp"
#include "sim/serving/batch.hpp"
#include "sim/serving/batch_observer.hpp"
#include "sim/serving/iteration_executor.hpp"
#include "sim/serving/kv_cache.hpp"
#include "sim/serving/preemption.hpp"
#include "sim/serving/request_lifecycle.hpp"
#include "sim/serving/router.hpp"
#include "sim/serving/scheduler.hpp"
#include "sim/serving/spec_decode.hpp"

namespace llmsim::sim {

class RequestSink {
  public:
    virtual ~RequestSink() = default;
    virtual void on_finished(RequestState& r) = 0;
    // A prefill-only replica finished r's prefill (its final iteration took `iteration_ns`) and handed its KV to a
    // holder: the sink routes r on (RequestLifecycle::migrate) and later calls release_hold(r.id).
    virtual void on_prefilled(RequestState& r, int64_t iteration_ns) = 0;
};

struct ReplicaStats {
    int64_t iterations = 0;
    int64_t preemptions = 0;
    int64_t swap_preemptions = 0;
    int64_t batched_seqs = 0;  // sum of batch sizes (mean batch = batched_seqs / iterations)
    int64_t batched_tokens = 0;
    int64_t kv_peak_blocks = 0;
    int64_t kv_capacity_blocks = 0;
    double stage_busy_ns = 0;   // summed over stages
    double active_ns = 0;       // time with at least one batch in flight
    double overhead_ns = 0;     // host framework overhead
    double kv_transfer_ns = 0;  // KV moves on the critical path
    double dynamic_energy_j = 0;  // device energy above idle (zero when the device has no power model)
    int32_t stages = 1;
    KvCacheStats kv;       // summed over virtual engines
    SpecDecodeStats spec;  // speculative decoding (zero when off)
};

// How a replica builds its parts (one per pool; the cluster fills in the request content).
struct ReplicaParts {
    std::function<std::unique_ptr<Scheduler>()> make_scheduler;
    std::function<std::unique_ptr<KvCacheManager>(const KvCacheOptions&)> make_kv;
    std::function<std::unique_ptr<PreemptionPolicy>()> make_preemption;
    std::function<std::unique_ptr<IterationExecutor>()> make_executor;
    KvCacheOptions kv;                 // capacity of the whole replica (split evenly over its virtual engines)
    models::AttentionSpans attention;  // the model's sliding windows / local layers
    // Asynchronous scheduling (vLLM V1 async scheduling, SGLang's overlap scheduler): the next step's batch is
    // chosen right after the current step is launched, so a request that arrives while a step runs first competes
    // for the step after next. An idle engine schedules at once.
    bool schedule_ahead = false;
    // Speculative decoding; unset (off) by default. Called with the replica's index.
    std::function<std::unique_ptr<SpecDecoder>(int32_t)> make_speculator;
    // Prefill-only replica (disaggregated serving): a request leaves after its prefill, its KV held here until the
    // decode replica has it.
    bool hands_off = false;
    // Replicas of the pools before this one: batch observers see replica numbers unique over the cluster.
    int32_t observer_offset = 0;
};

class Replica final : public EventHandler {
  public:
    Replica(int32_t pool, int32_t index, Engine& engine, const ReplicaParts& parts, RequestLifecycle& lifecycle,
            RequestSink& sink, BatchObserver* observer);

    void add(RequestState& r);
    // Whether a request of `tokens` (prompt + output) could ever be served here (it fits one engine's KV share).
    [[nodiscard]] bool can_ever_fit(int64_t tokens) const;
    [[nodiscard]] ReplicaLoad load() const;
    [[nodiscard]] PrefixMatch cached_prefix(const RequestState& r) const;
    [[nodiscard]] ReplicaStats stats() const;

    // Disaggregated decode: allocates KV for r (prefilled elsewhere) on the least-loaded virtual engine; false when
    // it does not fit now. accept(r) then runs it once its KV has arrived.
    bool reserve_incoming(RequestState& r);
    void accept(RequestState& r);
    // Disaggregated prefill: the KV of handed-off request `id` has reached its decode replica; free the copy here.
    void release_hold(uint32_t id);

    void on_event(uint32_t kind, uint64_t payload) override;

  private:
    enum EventKind : uint32_t { kDispatch = 0, kBatchDone = 1 };

    // A scheduler with its KV share and its one micro-batch slot.
    class VirtualEngine final : public SchedulerContext {
      public:
        VirtualEngine(Replica& replica, std::unique_ptr<Scheduler> s, std::unique_ptr<KvCacheManager> kv,
                      const models::AttentionSpans& spans)
            : scheduler(std::move(s)), pool(std::move(kv)), batch(spans), replica_(replica) {}
        KvCacheManager& kv() override { return *pool; }
        void admitted(RequestState& r, int64_t reused_prefix_tokens) override;
        int64_t choose_victim(const std::vector<RequestState*>& running) override;
        PreemptMode preempt(RequestState& r) override;

        std::unique_ptr<Scheduler> scheduler;
        std::unique_ptr<KvCacheManager> pool;
        Batch batch;
        bool busy = false;
        int64_t outstanding = 0;
        int64_t batch_start_ns = 0;

      private:
        Replica& replica_;
    };

    void request_dispatch();
    void try_dispatch();
    void complete(size_t engine);
    void hand_off(VirtualEngine& e, int64_t now_ns);

    int32_t pool_;
    int32_t index_;
    Engine& engine_;
    RequestLifecycle& lifecycle_;
    RequestSink& sink_;
    BatchObserver* observer_;
    std::unique_ptr<IterationExecutor> executor_;
    std::unique_ptr<PreemptionPolicy> preemption_;
    std::unique_ptr<SpecDecoder> speculator_;  // null without speculative decoding
    ReplicaStats stats_;
    std::vector<std::unique_ptr<VirtualEngine>> engines_;
    size_t next_engine_ = 0;  // engines take turns at stage 0
    bool dispatch_pending_ = false;
    bool tracks_content_ = false;
    int32_t in_flight_ = 0;
    int64_t active_since_ns_ = 0;
    // schedule_ahead: requests that arrived after the running step's batch was chosen, with their virtual engine.
    struct Held {
        RequestState* request;
        VirtualEngine* engine;
        int64_t added_ns;
    };
    bool schedule_ahead_ = false;
    std::vector<Held> held_;
    int64_t last_start_ns_ = -1;  // when the latest step was launched (its successor's batch was chosen then)
    void release_held(int64_t chosen_by_ns);
    int64_t outstanding_requests_ = 0;
    int64_t outstanding_tokens_ = 0;  // sum of outstanding_tokens() over the requests routed here
    // Disaggregation: KV kept for requests handed off (prefill side), engines reserved for arriving KV (decode side).
    struct Hold {
        RequestState copy;
        VirtualEngine* engine;
    };
    bool hands_off_ = false;
    int32_t observer_index_ = 0;
    std::unordered_map<uint32_t, Hold> holds_;
    std::unordered_map<uint32_t, VirtualEngine*> incoming_;
};

}  // namespace llmsim::sim
