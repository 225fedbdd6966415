// Orca iteration-level batching: whole prefills mixed with the decodes of running requests every iteration; each
// request reserves KV for the maximum model length on admission (no paging, so no preemption).
#include <algorithm>

#include "policies/scheduler/scheduler_registry.hpp"

namespace llmsim::policies {
namespace {

using namespace llmsim::sim;

class OrcaScheduler final : public Scheduler {
  public:
    using Scheduler::Scheduler;

    void schedule(Batch& batch, SchedulerContext& ctx) override {
        compact_running();
        int64_t seqs = 0;
        int64_t tokens = 0;
        for (RequestState* r : running_) {
            if (r->in_flight || r->phase() != RequestPhase::running || !r->prefill_done()) continue;
            batch.add_decode(*r);  // KV was reserved whole on admission, lookahead included
            ++seqs;
            tokens += batch.decode_tokens();
        }
        bool added_prefill = false;
        while (!waiting_.empty() && seqs < limits_.max_batch_seqs) {
            const RequestState& next = *waiting_.front();
            const int64_t need = next.remaining_prefill();
            if (tokens + need > limits_.max_batch_tokens && added_prefill) break;
            const int64_t reserve = std::max<int64_t>(limits_.max_model_len, next.total_tokens());
            RequestState* r = try_admit_front(ctx, reserve, 0);
            if (r == nullptr) break;
            const int32_t chunk = r->remaining_prefill();
            batch.add_prefill(*r, chunk);
            tokens += chunk;
            ++seqs;
            added_prefill = true;
        }
    }
};

}  // namespace

std::unique_ptr<sim::Scheduler> make_orca_scheduler(const sim::SchedulerLimits& limits) {
    return std::make_unique<OrcaScheduler>(limits);
}

}  // namespace llmsim::policies
