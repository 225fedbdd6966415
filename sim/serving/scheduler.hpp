#pragma once
// The scheduler seam: a policy decides, every iteration, which requests run and how many tokens each brings.
// Policies live in policies/scheduler/ (one per file, registered by name); this header is what they plug into.
// The replica owns request lifecycles and KV: a policy asks its context to admit, preempt and resume, and asks the
// KV cache manager for blocks; it never writes a request's phase or block count itself.
#include <cstdint>
#include <deque>
#include <vector>

#include "sim/serving/batch.hpp"
#include "sim/serving/kv_cache.hpp"
#include "sim/serving/request_lifecycle.hpp"
#include "sim/serving/request_state.hpp"
#include "sim/serving/serving_defaults.hpp"

namespace llmsim::sim {

struct SchedulerLimits {
    int32_t max_batch_seqs = defaults::max_batch_seqs;      // --max-batch (vLLM max_num_seqs)
    int64_t max_batch_tokens = defaults::max_batch_tokens;  // --max-batch-tokens (vLLM max_num_batched_tokens)
    int64_t chunk_size = defaults::chunk_size;              // --chunk-size: Sarathi token budget per iteration
    int64_t max_model_len = defaults::max_model_len;        // tokens one request may hold (Orca reserves this much)
    double watermark = defaults::kv_watermark;              // fraction of KV blocks kept free when admitting
};

// What a replica offers its scheduler.
class SchedulerContext {
  public:
    virtual ~SchedulerContext() = default;
    virtual KvCacheManager& kv() = 0;
    // The request leaves the queue for the running set (lifecycle: admitted; cached prefix reused).
    virtual void admitted(RequestState& r, int64_t reused_prefix_tokens) = 0;
    // Index into `running` of the request to preempt (the replica's preemption policy), -1 when none may be.
    virtual int64_t choose_victim(const std::vector<RequestState*>& running) = 0;
    // Preempts an idle running request: swap (its KV to host memory) or recompute (KV dropped), as the policy and
    // the host space allow; returns what was done. The request holds no device blocks afterwards.
    virtual PreemptMode preempt(RequestState& r) = 0;
};

class Scheduler {
  public:
    explicit Scheduler(const SchedulerLimits& limits) : limits_(limits) {}
    virtual ~Scheduler() = default;
    Scheduler(const Scheduler&) = delete;
    Scheduler& operator=(const Scheduler&) = delete;

    // A newly routed request (already admitted by the cluster: it can fit the KV pool on its own).
    virtual void add(RequestState& r) { waiting_.push_back(&r); }
    // A request whose prefill ran elsewhere and whose KV this context's pool already holds (disaggregated decode):
    // it joins the running set and decodes from the next iteration.
    void adopt(RequestState& r, SchedulerContext& ctx);
    // Fills `batch` for the next iteration; leaves it empty when nothing can run now.
    virtual void schedule(Batch& batch, SchedulerContext& ctx) = 0;

    [[nodiscard]] int64_t waiting() const { return static_cast<int64_t>(waiting_.size()); }
    [[nodiscard]] int64_t running() const { return static_cast<int64_t>(running_.size()); }
    [[nodiscard]] int64_t swapped() const { return static_cast<int64_t>(swapped_.size()); }
    [[nodiscard]] const SchedulerLimits& limits() const { return limits_; }

  protected:
    // Drops finished and preempted requests from the running list (lazily, once per iteration, so finishing is O(1)).
    void compact_running();
    [[nodiscard]] int64_t watermark_blocks(const KvCacheManager& kv) const;
    // Admits the front waiting request if its KV for `reserve_tokens` tokens (after any cached prefix) fits while
    // keeping `keep_free` blocks free; moves it to running. Returns it, or nullptr (nothing changed) when short.
    RequestState* try_admit_front(SchedulerContext& ctx, int64_t reserve_tokens, int64_t keep_free);
    // Preempts the running request the policy picks (vLLM: the newest) and queues it again (recompute: front of the
    // waiting queue; swap: back of the swapped queue); returns it, or nullptr when none can be preempted.
    RequestState* preempt_one(SchedulerContext& ctx);
    // Grows r's KV (in `kv`, the context's pool) to cover `tokens`, preempting others while the pool is short; false
    // when r itself was preempted or nothing is left to free. Inline fast path: most decode steps need no new block.
    bool reserve_or_preempt(RequestState& r, int64_t tokens, KvCacheManager& kv, SchedulerContext& ctx) {
        return kv.covers(r, tokens) || reserve_slow(r, tokens, kv, ctx);
    }
    bool reserve_slow(RequestState& r, int64_t tokens, KvCacheManager& kv, SchedulerContext& ctx);
    // Brings swapped requests back (oldest first) while their KV fits with `keep_free` blocks to spare.
    void resume_swapped(SchedulerContext& ctx, int64_t keep_free);

    SchedulerLimits limits_;
    std::deque<RequestState*> waiting_;
    std::vector<RequestState*> running_;  // admission order (oldest first)
    std::deque<RequestState*> swapped_;
    int32_t preempted_this_step_ = 0;  // reset by compact_running()
};

}  // namespace llmsim::sim
