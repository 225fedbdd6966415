// FasterTransformer-style static batching: when the replica is idle, take up to --max-batch waiting requests,
// prefill them together in one pass, then decode the batch until every member has finished; only then form the
// next batch. KV for prompt + output is reserved up front. This is what static-batch benchmarks
// (TensorRT-LLM's gptSessionBenchmark) measure.
#include "policies/scheduler/scheduler.hpp"

namespace llmsim::policies {
namespace {

class StaticScheduler final : public Scheduler {
public:
    using Scheduler::Scheduler;

    void schedule(sim::Batch& batch, SchedulerContext& ctx) override {
        compact_running();
        if (!running_.empty()) {
            for (sim::RequestState* r : running_) {
                if (r->in_flight || r->phase != sim::RequestPhase::running) continue;
                batch.add_decode(*r);
            }
            return;
        }
        auto& kv = ctx.kv();
        while (!waiting_.empty() && running() < limits_.max_batch_seqs) {
            sim::RequestState& r = *waiting_.front();
            if (!kv.can_allocate(kv.blocks_for(r.total_tokens()) - r.kv_blocks)) break;
            reserve_tokens(r, r.total_tokens(), kv);
            admit_front();
            batch.add_prefill(r, r.remaining_prefill());
        }
    }
};

}  // namespace

std::unique_ptr<Scheduler> make_static_scheduler(const SchedulerLimits& limits) {
    return std::make_unique<StaticScheduler>(limits);
}

}  // namespace llmsim::policies
