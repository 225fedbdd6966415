// vLLM v0 scheduling: prefill-priority batches that never mix with decodes, paged KV blocks, max-num-seqs and
// max-num-batched-tokens caps, preemption (recompute by default) of the newest request when blocks run out;
// swapped-out requests are resumed before new prefills are admitted.
#include "policies/scheduler/scheduler_registry.hpp"

namespace llmsim::policies {
namespace {

using namespace llmsim::sim;

class VllmScheduler final : public Scheduler {
  public:
    using Scheduler::Scheduler;

    void schedule(Batch& batch, SchedulerContext& ctx) override {
        compact_running();
        auto& kv = ctx.kv();
        // 1. Prefill-only batch when waiting requests can be admitted (not while any request is swapped out).
        int64_t tokens = 0;
        while (swapped_.empty() && !waiting_.empty()) {
            const RequestState& next = *waiting_.front();
            const int64_t need = next.remaining_prefill();
            if (running() + 1 > limits_.max_batch_seqs) break;
            // A prompt longer than the token cap runs alone (vLLM v0 sizes the cap to the model length by default).
            if (tokens + need > limits_.max_batch_tokens && !batch.empty()) break;
            RequestState* r = try_admit_front(ctx, next.prefill_target, watermark_blocks(kv));
            if (r == nullptr) break;
            const int32_t chunk = r->remaining_prefill();  // a cached prefix shortens it
            batch.add_prefill(*r, chunk);
            tokens += chunk;
            if (tokens >= limits_.max_batch_tokens) break;
        }
        if (!batch.empty()) return;
        // 2. Decode batch over every running request, preempting the newest when the pool runs dry.
        for (size_t i = 0; i < running_.size(); ++i) {
            RequestState& r = *running_[i];
            if (r.in_flight || r.phase() != RequestPhase::running) continue;
            const int64_t cached = r.kv_tokens();
            // r itself was preempted, or nothing left to free; a verify reserves its gamma + 1 lookahead slots.
            if (!reserve_or_preempt(r, cached + batch.decode_tokens(), kv, ctx)) break;
            batch.add_decode(r, cached);
        }
        // 3. When nothing had to be preempted, swapped-out requests come back and decode in this step too.
        if (preempted_this_step_ > 0 || swapped_.empty()) return;
        const size_t before = running_.size();
        resume_swapped(ctx, 0);
        for (size_t i = before; i < running_.size(); ++i)
            batch.add_decode(*running_[i]);
    }
};

}  // namespace

std::unique_ptr<sim::Scheduler> make_vllm_scheduler(const sim::SchedulerLimits& limits) {
    return std::make_unique<VllmScheduler>(limits);
}

}  // namespace llmsim::policies
