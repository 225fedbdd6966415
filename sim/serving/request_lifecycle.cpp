#include "sim/serving/request_lifecycle.hpp"

#include <algorithm>

namespace llmsim::sim {

std::vector<RequestState> request_states_of(const traces::Workload& workload) {
    const auto& specs = workload.requests;
    std::vector<RequestState> requests(specs.size());
    for (size_t i = 0; i < specs.size(); ++i) {
        RequestState& r = requests[i];
        const traces::RequestSpec& s = specs[i];
        r.id = static_cast<uint32_t>(i);
        r.prompt_tokens = s.prompt_tokens;
        r.output_tokens = std::max(1, s.output_tokens);
        r.prefill_target = r.prompt_tokens;
        r.arrival_ns = s.arrival_ns;
        r.stage = s.stage;
        r.after = s.after;
        r.segment_offset = s.segment_offset;
        r.segment_count = s.segment_count;
        r.output_segment = s.output_segment;
        LLMSIM_ASSERT(r.arrival_ns >= 0, "workload request without an arrival time");
        LLMSIM_ASSERT(i == 0 || r.arrival_ns >= specs[i - 1].arrival_ns, "workload arrivals must be sorted");
        LLMSIM_ASSERT(r.after < static_cast<int32_t>(i), "a request may only wait for an earlier one");
    }
    return requests;
}

void RequestLifecycle::arrive(RequestState& r, int32_t pool, int32_t replica, int64_t now_ns) {
    LLMSIM_ASSERT(r.phase_ == RequestPhase::pending, "request " + std::to_string(r.id) + " arrived twice");
    r.pool = pool;
    r.replica = replica;
    r.phase_ = RequestPhase::waiting;
    for (auto* o : observers_)
        o->on_arrival(r, now_ns);
}

void RequestLifecycle::reject(RequestState& r) {
    LLMSIM_ASSERT(r.phase_ == RequestPhase::pending, "rejecting a request already routed");
    r.phase_ = RequestPhase::rejected;
    for (auto* o : observers_)
        o->on_rejected(r);
}

void RequestLifecycle::admit(RequestState& r) {
    LLMSIM_ASSERT(r.phase_ == RequestPhase::waiting || r.phase_ == RequestPhase::swapped,
                  "admitting a request that is not queued");
    r.phase_ = RequestPhase::running;
    for (auto* o : observers_)
        o->on_admitted(r);
}

void RequestLifecycle::reuse_prefix(RequestState& r, int64_t tokens) {
    LLMSIM_ASSERT(tokens >= 0 && tokens < r.prefill_target && r.prefilled == 0,
                  "a reused prefix must precede the prefill and leave at least one token to compute");
    if (r.cached_prompt_tokens < 0)
        r.cached_prompt_tokens = static_cast<int32_t>(std::min<int64_t>(tokens, r.prompt_tokens));
    if (tokens == 0) return;
    r.prefilled = static_cast<int32_t>(tokens);
    for (auto* o : observers_)
        o->on_prefix_reused(r, tokens);
}

void RequestLifecycle::preempt(RequestState& r, PreemptMode mode) {
    LLMSIM_ASSERT(!r.in_flight && r.phase_ == RequestPhase::running,
                  "preempting a request that is not idle and running");
    LLMSIM_ASSERT(r.kv_blocks_ == 0, "preempted request still holds device KV blocks");
    r.preemptions += 1;
    if (mode == PreemptMode::recompute) {
        r.prefill_target = r.prompt_tokens + r.generated;
        r.prefilled = 0;
        r.phase_ = RequestPhase::waiting;
    } else {
        r.phase_ = RequestPhase::swapped;
    }
    for (auto* o : observers_)
        o->on_preempted(r, mode);
}

void RequestLifecycle::migrate(RequestState& r, int32_t to_pool, int32_t to_replica) {
    LLMSIM_ASSERT(r.phase_ == RequestPhase::running && !r.in_flight && r.prefill_done() && r.kv_blocks_ == 0,
                  "migrating a request that is not a prefilled, idle request whose KV was handed over");
    r.pool = to_pool;
    r.replica = to_replica;
    r.first_token_ns = -1;
    r.phase_ = RequestPhase::waiting;
    for (auto* o : observers_)
        o->on_migrated(r, to_pool);
}

void RequestLifecycle::record_outcome(RequestState& r, RequestPhase phase) {
    LLMSIM_ASSERT(phase == RequestPhase::finished || phase == RequestPhase::rejected, "a recorded outcome is terminal");
    r.phase_ = phase;
}

void RequestLifecycle::prefill_events(const RequestState& r, int32_t tokens, int64_t now_ns) {
    for (auto* o : observers_)
        o->on_prefill_chunk(r, tokens, now_ns);
    if (r.prefill_done()) {
        for (auto* o : observers_)
            o->on_prefill_done(r, now_ns);
    }
}

void RequestLifecycle::tokens_event(const RequestState& r, int32_t n, int64_t now_ns) {
    for (auto* o : observers_)
        o->on_tokens(r, n, now_ns);
}

void RequestLifecycle::finish(RequestState& r, int64_t now_ns) {
    r.phase_ = RequestPhase::finished;
    r.finish_ns = now_ns;
    for (auto* o : observers_)
        o->on_finished(r, now_ns);
}

}  // namespace llmsim::sim
