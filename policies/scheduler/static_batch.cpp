// FasterTransformer-style static batching: when the previous batch has finished, take up to --max-batch waiting
// requests (KV for prompt + output reserved up front), run their prefills (in passes of at most
// --max-batch-tokens, as TensorRT-LLM bounds a pass by max_num_tokens), then decode the whole batch until every
// member has finished; only then form the next batch. This is what static-batch benchmarks
// (TensorRT-LLM's gptSessionBenchmark, LMDeploy's static profiler) measure.
#include "policies/scheduler/scheduler_registry.hpp"

namespace llmsim::policies {
namespace {

using namespace llmsim::sim;

class StaticScheduler final : public Scheduler {
  public:
    using Scheduler::Scheduler;

    void schedule(Batch& batch, SchedulerContext& ctx) override {
        compact_running();
        if (running_.empty()) admit_batch(ctx);
        // Prefill passes first, whole prompts, bounded by the token cap (a prompt longer than the cap runs alone).
        int64_t tokens = 0;
        for (RequestState* r : running_) {
            if (r->in_flight || r->prefill_done()) continue;
            if (tokens + r->remaining_prefill() > limits_.max_batch_tokens && !batch.empty()) break;
            tokens += r->remaining_prefill();
            batch.add_prefill(*r, r->remaining_prefill());
        }
        if (!batch.empty()) return;
        for (RequestState* r : running_) {
            if (r->in_flight || r->phase() != RequestPhase::running) continue;
            batch.add_decode(*r);
        }
    }

  private:
    void admit_batch(SchedulerContext& ctx) {
        while (!waiting_.empty() && running() < limits_.max_batch_seqs) {
            if (try_admit_front(ctx, waiting_.front()->total_tokens(), 0) == nullptr) break;
        }
    }
};

}  // namespace

std::unique_ptr<sim::Scheduler> make_static_scheduler(const sim::SchedulerLimits& limits) {
    return std::make_unique<StaticScheduler>(limits);
}

}  // namespace llmsim::policies
