#pragma once
// The request lifecycle: the only writer of a request's phase and progress counters, and the one place that tells
// observers (metrics, prefix-cache statistics, executors that hold per-request state) what happened to a request.
// Events: arrival, admission, reused prefix, prefill chunk, prefill done, tokens (n > 1 with speculative decoding),
// preemption (recompute | swap), migration (KV handed to another pool), finish, rejection.
//
// The per-iteration path (apply) is inline and calls observers only when there are any, so a run without them pays
// nothing for the seam.
#include <cstdint>
#include <vector>

#include "common/error.hpp"
#include "sim/serving/batch.hpp"
#include "sim/serving/request_state.hpp"
#include "traces/workload.hpp"

namespace llmsim::sim {

enum class PreemptMode : uint8_t { recompute, swap };

class LifecycleObserver {
  public:
    virtual ~LifecycleObserver() = default;
    virtual void on_arrival(const RequestState& /*r*/, int64_t /*now_ns*/) {}
    virtual void on_admitted(const RequestState& /*r*/) {}
    virtual void on_prefix_reused(const RequestState& /*r*/, int64_t /*tokens*/) {}
    virtual void on_prefill_chunk(const RequestState& /*r*/, int32_t /*tokens*/, int64_t /*now_ns*/) {}
    virtual void on_prefill_done(const RequestState& /*r*/, int64_t /*now_ns*/) {}
    virtual void on_tokens(const RequestState& /*r*/, int32_t /*n*/, int64_t /*now_ns*/) {}
    virtual void on_preempted(const RequestState& /*r*/, PreemptMode /*mode*/) {}
    virtual void on_migrated(const RequestState& /*r*/, int32_t /*to_pool*/) {}
    virtual void on_finished(const RequestState& /*r*/, int64_t /*now_ns*/) {}
    virtual void on_rejected(const RequestState& /*r*/) {}
};

class RequestLifecycle {
  public:
    void add_observer(LifecycleObserver* o) { observers_.push_back(o); }

    // Routed to a replica's queue (pending -> waiting).
    void arrive(RequestState& r, int32_t pool, int32_t replica, int64_t now_ns);
    // Turned away: it can never be served (too long for the model or the KV pool).
    void reject(RequestState& r);
    // Taken from the queue into the running set by a scheduler (waiting|swapped -> running).
    void admit(RequestState& r);
    // The KV of the first `tokens` tokens to prefill already exists (prefix cache hit or swap-in): skip them.
    void reuse_prefix(RequestState& r, int64_t tokens);
    // Recompute: the KV is gone and the request re-prefills prompt + generated; swap: its KV waits in host memory.
    void preempt(RequestState& r, PreemptMode mode);
    // Its prefill is done and its KV moves to another pool's replica (disaggregated serving): running -> waiting
    // there until the KV lands. The client gets its tokens from that replica, so the first token the prefill sampled
    // reaches the client with the decode replica's first step (first_token_ns is set again then).
    void migrate(RequestState& r, int32_t to_pool, int32_t to_replica);

    // The terminal phase (finished or rejected) of a request rebuilt from records (results read back, tests).
    static void record_outcome(RequestState& r, RequestPhase phase);

    // Applies one finished iteration at `now_ns`: prefill progress, sampled tokens, first-token and finish times.
    // Calls on_finish(RequestState&) for each request that completed (after its phase is `finished`).
    template <typename OnFinish>
    void apply(const Batch& batch, int64_t now_ns, OnFinish&& on_finish) {
        const bool observed = !observers_.empty();
        for (const BatchEntry& e : batch.entries()) {
            RequestState& r = *e.request;
            r.in_flight = false;
            if (e.prefill) {
                r.prefilled += e.new_tokens;
                if (observed) prefill_events(r, e.new_tokens, now_ns);
            }
            if (e.sampled == 0) continue;
            r.generated += e.sampled;
            if (r.first_token_ns < 0) r.first_token_ns = now_ns;
            if (observed) tokens_event(r, e.sampled, now_ns);
            if (r.generated >= r.output_tokens) {
                finish(r, now_ns);
                on_finish(r);
            }
        }
    }

  private:
    void prefill_events(const RequestState& r, int32_t tokens, int64_t now_ns);
    void tokens_event(const RequestState& r, int32_t n, int64_t now_ns);
    void finish(RequestState& r, int64_t now_ns);

    std::vector<LifecycleObserver*> observers_;
};

// The lifecycle state of every request of a timestamped workload, ids in workload order (asserts arrivals are
// present and sorted); prompt content and load stages are carried over.
std::vector<RequestState> request_states_of(const traces::Workload& workload);

}  // namespace llmsim::sim
