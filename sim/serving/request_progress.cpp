#include "sim/serving/request_progress.hpp"

#include <algorithm>

#include "common/error.hpp"

namespace llmsim::sim {

std::vector<RequestState> request_states_of(const traces::Workload& workload) {
    const auto& specs = workload.requests;
    std::vector<RequestState> requests(specs.size());
    for (size_t i = 0; i < specs.size(); ++i) {
        RequestState& r = requests[i];
        r.id = static_cast<uint32_t>(i);
        r.prompt_tokens = specs[i].prompt_tokens;
        r.output_tokens = std::max(1, specs[i].output_tokens);
        r.prefill_target = r.prompt_tokens;
        r.arrival_ns = specs[i].arrival_ns;
        LLMSIM_ASSERT(r.arrival_ns >= 0, "workload request without an arrival time");
        LLMSIM_ASSERT(i == 0 || r.arrival_ns >= specs[i - 1].arrival_ns, "workload arrivals must be sorted");
    }
    return requests;
}

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
