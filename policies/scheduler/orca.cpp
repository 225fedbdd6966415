// Orca iteration-level batching: whole prefills mixed with the decodes of running requests every iteration; each
// request reserves KV for the maximum model length on admission (no paging, so no preemption).
#include <algorithm>

#include "policies/scheduler/scheduler.hpp"

namespace llmsim::policies {
namespace {

class OrcaScheduler final : public Scheduler {
  public:
    using Scheduler::Scheduler;

    void schedule(sim::Batch& batch, SchedulerContext& ctx) override {
        compact_running();
        auto& kv = ctx.kv();
        int64_t seqs = 0;
        int64_t tokens = 0;
        for (sim::RequestState* r : running_) {
            if (r->in_flight || r->phase != sim::RequestPhase::running || !r->prefill_done()) continue;
            batch.add_decode(*r);
            ++seqs;
            ++tokens;
        }
        bool added_prefill = false;
        while (!waiting_.empty() && seqs < limits_.max_batch_seqs) {
            sim::RequestState& r = *waiting_.front();
            const int64_t need = r.remaining_prefill();
            if (tokens + need > limits_.max_batch_tokens && added_prefill) break;
            const int64_t reserve = std::max<int64_t>(limits_.max_model_len, r.total_tokens());
            if (!kv.can_allocate(kv.blocks_for(reserve) - r.kv_blocks)) break;
            reserve_tokens(r, reserve, kv);
            admit_front();
            batch.add_prefill(r, static_cast<int32_t>(need));
            tokens += need;
            ++seqs;
            added_prefill = true;
        }
    }
};

}  // namespace

std::unique_ptr<Scheduler> make_orca_scheduler(const SchedulerLimits& limits) {
    return std::make_unique<OrcaScheduler>(limits);
}

}  // namespace llmsim::policies
