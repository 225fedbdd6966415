#pragma once
// Runtime state of one request inside the serving simulator. Updated by counters only (no per-token allocation).
#include <cstdint>

namespace llmsim::sim {

enum class RequestPhase : uint8_t { pending, waiting, running, finished, rejected };

struct RequestState {
    uint32_t id = 0;
    int32_t replica = -1;
    int32_t prompt_tokens = 0;
    int32_t output_tokens = 0;
    // Tokens to (re)compute in prefill: the prompt, or prompt + generated tokens after a recompute preemption.
    int32_t prefill_target = 0;
    int32_t prefilled = 0;  // tokens of prefill_target whose KV exists
    int32_t generated = 0;  // output tokens produced so far
    int32_t kv_blocks = 0;  // KV blocks held
    int32_t preemptions = 0;
    RequestPhase phase = RequestPhase::pending;
    bool in_flight = false;  // part of a batch currently executing (pipeline parallelism)
    int64_t arrival_ns = 0;
    int64_t first_scheduled_ns = -1;
    int64_t first_token_ns = -1;
    int64_t finish_ns = -1;

    [[nodiscard]] bool prefill_done() const { return prefilled >= prefill_target; }
    [[nodiscard]] int32_t remaining_prefill() const { return prefill_target - prefilled; }
    // After a recompute preemption the prefill re-creates the KV of tokens generated before; not new output.
    [[nodiscard]] int32_t generated_at_prefill() const { return prefill_target - prompt_tokens; }
    // Tokens whose KV is in the cache. The prefill's last chunk samples one token whose KV the next decode step
    // computes, so a decode step's context is everything before its input token.
    [[nodiscard]] int64_t kv_tokens() const {
        return prefill_done() ? static_cast<int64_t>(prefill_target) + (generated - generated_at_prefill() - 1)
                              : prefilled;
    }
    [[nodiscard]] int64_t total_tokens() const { return static_cast<int64_t>(prompt_tokens) + output_tokens; }
};

}  // namespace llmsim::sim
