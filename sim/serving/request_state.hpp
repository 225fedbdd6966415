#pragma once
// Runtime state of one request inside the serving simulator. Updated by counters only (no per-token allocation).
// Two fields have one writer each, enforced by the compiler: the phase (RequestLifecycle) and the KV blocks held
// (the KV cache manager).
#include <cstdint>

namespace llmsim::sim {

enum class RequestPhase : uint8_t { pending, waiting, running, swapped, finished, rejected };

class RequestLifecycle;
class KvCacheManager;

struct RequestState {
    uint32_t id = 0;
    int32_t pool = -1;
    int32_t replica = -1;
    int32_t prompt_tokens = 0;
    int32_t output_tokens = 0;
    // Tokens to (re)compute in prefill: the prompt, or prompt + generated tokens after a recompute preemption.
    int32_t prefill_target = 0;
    int32_t prefilled = 0;  // tokens of prefill_target whose KV exists
    int32_t generated = 0;  // output tokens produced so far
    int32_t preemptions = 0;
    int32_t cached_prompt_tokens = -1;  // prompt tokens found in the prefix cache at first admission (-1: not yet)
    int32_t stage = -1;                 // workload load stage, -1 when none
    int32_t after = -1;                 // request whose finish releases this one (multi-turn chat), -1 when none
    bool in_flight = false;             // part of a batch currently executing (pipeline parallelism)
    // Speculative decoding: this request's acceptance rate (drawn on its first verify; -1 before) and the output
    // tokens that came from accepted drafts.
    float spec_alpha = -1;
    int32_t spec_accepted = 0;
    // Prompt content (see traces::RequestSpec): pooled segments the KV manager hashes into block ids.
    uint32_t segment_offset = 0;
    uint32_t segment_count = 0;
    uint64_t output_segment = 0;
    int64_t arrival_ns = 0;
    int64_t first_scheduled_ns = -1;
    int64_t first_token_ns = -1;
    int64_t finish_ns = -1;
    // Disaggregated serving: when its KV started moving to the decode replica, and how long that took (-1: never).
    int64_t kv_transfer_start_ns = -1;
    int64_t kv_transfer_ns = -1;

    [[nodiscard]] RequestPhase phase() const { return phase_; }
    [[nodiscard]] int32_t kv_blocks() const { return kv_blocks_; }
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
    // Tokens processed but not yet done: what is left of the prefill plus the outputs still to come.
    [[nodiscard]] int64_t outstanding_tokens() const {
        return static_cast<int64_t>(remaining_prefill()) + (output_tokens - generated);
    }

  private:
    friend class RequestLifecycle;
    friend class KvCacheManager;
    RequestPhase phase_ = RequestPhase::pending;
    int32_t kv_blocks_ = 0;  // KV blocks held in device memory
};

}  // namespace llmsim::sim
