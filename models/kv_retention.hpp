#pragma once
// What a KV-cache policy (policies/kv/compression/) and a quantized KV format do to one request's cache, reduced to
// O(1) arithmetic on its context length: which tokens attention reads each step and how much memory the request
// holds. The block manager sizes requests with stored_tokens(); the cost model reads read_tokens().
#include <cstdint>

namespace llmsim::models {

struct KvRetention {
    bool active = false;  // false: every token is kept and read (the default, which costs nothing)
    // Share of KV heads that keep every token (DuoAttention/RazorAttention retrieval heads); 1 for token-level
    // policies, whose limit applies to all heads alike.
    double full_share = 1.0;
    // What the other heads keep of a context of n tokens: min(n, cap_tokens) when cap_tokens > 0 (sink + window, a
    // token budget), otherwise ceil(keep_fraction * n) (a fraction budget).
    int64_t cap_tokens = 0;
    double keep_fraction = 1.0;
    // The limited heads also attend only within the limit during prefill (StreamingLLM's and DuoAttention's
    // Lambda-shaped masks); eviction after a dense prefill (H2O, Scissorhands) leaves prefill as it is.
    bool prefill_limited = false;
    // Memory per kept token relative to one dense token over all layers (< 1 when MiniCache merges layers); attention
    // still reads every layer's restored KV, so this changes memory only.
    double memory_scale = 1.0;
    // KIVI: the newest residual_tokens kept tokens stay 16-bit; each costs residual_extra more (quantized) tokens.
    int64_t residual_tokens = 0;
    double residual_extra = 0;
    // Importance tracking (H2O, Scissorhands): bytes read and written per kept token per query head per layer each
    // decode step.
    double score_bytes_per_token_head = 0;

    // Tokens attention reads (head-averaged, rounded up) for a context of n tokens. Inline with integer fast paths:
    // the scheduler asks for every running request on every iteration.
    [[nodiscard]] int64_t read_tokens(int64_t n) const {
        if (!active || n <= 0) return n;
        int64_t limited_tokens = n;
        if (cap_tokens > 0) {
            limited_tokens = n < cap_tokens ? n : cap_tokens;
        } else if (keep_fraction < 1.0) {
            limited_tokens = ceil_positive(keep_fraction * static_cast<double>(n));
        }
        if (full_share == 0.0) return limited_tokens;
        if (full_share == 1.0) return n;
        return mixed_tokens(n, limited_tokens);
    }
    // Memory in dense-token equivalents (the block manager's tokens) for a context of n tokens.
    [[nodiscard]] int64_t stored_tokens(int64_t n) const {
        if (!active || n <= 0) return n;
        const int64_t kept = read_tokens(n);
        if (memory_scale == 1.0 && residual_extra == 0.0) return kept;
        return scaled_tokens(kept);
    }
    // Of read_tokens(n), how many are held at 16 bits (KIVI's residual).
    [[nodiscard]] int64_t residual_read(int64_t kept) const { return kept < residual_tokens ? kept : residual_tokens; }

  private:
    // ceil(x) for 0 <= x < 2^63 without a libm call (equal to std::ceil there).
    static int64_t ceil_positive(double x) {
        const auto i = static_cast<int64_t>(x);
        return i + (x > static_cast<double>(i) ? 1 : 0);
    }
    [[nodiscard]] int64_t mixed_tokens(int64_t n, int64_t limited_tokens) const;
    [[nodiscard]] int64_t scaled_tokens(int64_t kept) const;
};

}  // namespace llmsim::models
