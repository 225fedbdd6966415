#pragma once
// Request lifecycle steps shared by the simulated replica and the real serving loop (llmsim bench serve), so both
// apply exactly the same semantics: what a finished iteration does to its requests, and recompute preemption.
#include <cstdint>
#include <vector>

#include "sim/serving/batch.hpp"
#include "sim/serving/kv_block_manager.hpp"
#include "sim/serving/request_state.hpp"
#include "traces/workload.hpp"

namespace llmsim::sim {

// The lifecycle state of every request of a timestamped workload, ids in workload order (asserts arrivals are
// present and sorted).
std::vector<RequestState> request_states_of(const traces::Workload& workload);

// Applies one finished iteration at time `now_ns`: prefill progress, sampled tokens, first-token and finish times;
// finished requests release their KV. Calls on_finish(RequestState&) for each request that completed.
template <typename OnFinish>
void apply_batch_progress(const Batch& batch, int64_t now_ns, KvBlockManager& kv, OnFinish&& on_finish) {
    for (const BatchEntry& e : batch.entries()) {
        RequestState& r = *e.request;
        r.in_flight = false;
        if (e.prefill) r.prefilled += e.new_tokens;
        if (!e.samples) continue;
        r.generated += 1;
        if (r.first_token_ns < 0) r.first_token_ns = now_ns;
        if (r.generated >= r.output_tokens) {
            r.phase = RequestPhase::finished;
            r.finish_ns = now_ns;
            kv.release(r.kv_blocks);
            r.kv_blocks = 0;
            on_finish(r);
        }
    }
}

// Records `now_ns` as the first scheduling time of requests running for the first time (Batch::add_* already
// marked every entry as executing).
void mark_dispatched(const Batch& batch, int64_t now_ns);

// Recompute preemption (vLLM's default): drop the request's KV; it re-prefills prompt + tokens generated so far.
void preempt_for_recompute(RequestState& r, KvBlockManager& kv);

}  // namespace llmsim::sim
