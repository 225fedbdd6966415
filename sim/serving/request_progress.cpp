#include "sim/serving/request_progress.hpp"

#include "common/error.hpp"

namespace llmsim::sim {

void mark_dispatched(const Batch& batch, int64_t now_ns) {
    // Decodes were scheduled before (their first step was a prefill), so only prefills can be first-timers.
    for (const BatchEntry& e : batch.entries()) {
        if (e.prefill && e.request->first_scheduled_ns < 0) e.request->first_scheduled_ns = now_ns;
    }
}

void preempt_for_recompute(RequestState& r, KvBlockManager& kv) {
    LLMSIM_ASSERT(!r.in_flight, "preempting a request that is executing");
    kv.release(r.kv_blocks);
    r.kv_blocks = 0;
    r.prefill_target = r.prompt_tokens + r.generated;
    r.prefilled = 0;
    r.preemptions += 1;
    r.phase = RequestPhase::waiting;
}

}  // namespace llmsim::sim
