// vLLM v0 scheduling: prefill-priority batches that never mix with decodes, paged KV blocks, max-num-seqs and
// max-num-batched-tokens caps, recompute preemption of the newest request when blocks run out.
#include "policies/scheduler/scheduler.hpp"

namespace llmsim::policies {
namespace {

class VllmScheduler final : public Scheduler {
  public:
    using Scheduler::Scheduler;

    void schedule(sim::Batch& batch, SchedulerContext& ctx) override {
        compact_running();
        auto& kv = ctx.kv();
        // 1. Prefill-only batch when waiting requests can be admitted.
        int64_t tokens = 0;
        while (!waiting_.empty()) {
            sim::RequestState& r = *waiting_.front();
            const int64_t need = r.remaining_prefill();
            if (running() + 1 > limits_.max_batch_seqs) break;
            // A prompt longer than the token cap runs alone (vLLM v0 sizes the cap to the model length by default).
            if (tokens + need > limits_.max_batch_tokens && !batch.empty()) break;
            const int64_t blocks = kv.blocks_for(r.prefill_target) - r.kv_blocks;
            if (kv.free_blocks() - blocks < watermark_blocks(kv)) break;
            reserve_tokens(r, r.prefill_target, kv);
            admit_front();
            batch.add_prefill(r, static_cast<int32_t>(need));
            tokens += need;
            if (tokens >= limits_.max_batch_tokens) break;
        }
        if (!batch.empty()) return;
        // 2. Decode batch over every running request, preempting the newest when the pool runs dry.
        for (size_t i = 0; i < running_.size(); ++i) {
            sim::RequestState& r = *running_[i];
            if (r.in_flight || r.phase != sim::RequestPhase::running) continue;
            const int64_t cached = r.kv_tokens();
            bool ok = reserve_tokens(r, cached + 1, kv);
            while (!ok) {
                sim::RequestState* victim = preempt_newest(ctx);
                if (victim == nullptr || victim == &r) break;
                ok = reserve_tokens(r, cached + 1, kv);
            }
            if (!ok) break;  // r itself was preempted (it was the newest) or nothing left to free
            batch.add_decode(r, cached);
        }
    }
};

}  // namespace

std::unique_ptr<Scheduler> make_vllm_scheduler(const SchedulerLimits& limits) {
    return std::make_unique<VllmScheduler>(limits);
}

}  // namespace llmsim::policies
