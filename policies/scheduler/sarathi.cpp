// Sarathi-Serve stall-free batching: every iteration carries all running decodes, then prefill chunks (ongoing
// first, then new admissions) up to the token budget (--chunk-size). KV for a prompt is allocated on admission,
// as in sarathi-serve. vLLM v1's default scheduler behaves like this with a budget of 8192 tokens.
#include <algorithm>

#include "policies/scheduler/scheduler_registry.hpp"

namespace llmsim::policies {
namespace {

using namespace llmsim::sim;

class SarathiScheduler final : public Scheduler {
  public:
    using Scheduler::Scheduler;

    void schedule(Batch& batch, SchedulerContext& ctx) override {
        compact_running();
        auto& kv = ctx.kv();
        // 0. Swapped-out requests come back first (vLLM), while their KV fits.
        if (!swapped_.empty()) resume_swapped(ctx, watermark_blocks(kv));
        int64_t budget = limits_.chunk_size;
        int64_t seqs = 0;
        // 1. Decodes of running requests, oldest first.
        for (size_t i = 0; i < running_.size() && budget > 0; ++i) {
            RequestState& r = *running_[i];
            if (r.in_flight || r.phase() != sim::RequestPhase::running || !r.prefill_done()) continue;
            if (seqs >= limits_.max_batch_seqs) break;
            const int64_t cached = r.kv_tokens();
            // A speculative verify brings gamma + 1 tokens: its lookahead KV slots and its share of the budget.
            if (!reserve_or_preempt(r, cached + batch.decode_tokens(), kv, ctx)) break;
            batch.add_decode(r, cached);
            budget -= batch.decode_tokens();
            ++seqs;
        }
        // 2. Chunks of prefills already under way.
        for (size_t i = 0; i < running_.size() && budget > 0; ++i) {
            RequestState& r = *running_[i];
            if (r.in_flight || r.phase() != sim::RequestPhase::running || r.prefill_done()) continue;
            if (seqs >= limits_.max_batch_seqs) break;
            const auto chunk = static_cast<int32_t>(std::min<int64_t>(budget, r.remaining_prefill()));
            batch.add_prefill(r, chunk);
            budget -= chunk;
            ++seqs;
        }
        // 3. New requests, while the budget, the sequence cap and the KV pool allow.
        while (!waiting_.empty() && budget > 0 && seqs < limits_.max_batch_seqs) {
            RequestState* admitted = try_admit_front(ctx, waiting_.front()->prefill_target, watermark_blocks(kv));
            if (admitted == nullptr) break;
            RequestState& r = *admitted;
            const auto chunk = static_cast<int32_t>(std::min<int64_t>(budget, r.remaining_prefill()));
            batch.add_prefill(r, chunk);
            budget -= chunk;
            ++seqs;
        }
    }
};

}  // namespace

std::unique_ptr<sim::Scheduler> make_sarathi_scheduler(const sim::SchedulerLimits& limits) {
    return std::make_unique<SarathiScheduler>(limits);
}

}  // namespace llmsim::policies
