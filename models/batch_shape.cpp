#include "models/batch_shape.hpp"

#include <algorithm>

#include "common/error.hpp"

namespace llmsim::models {

void BatchShape::add_prefill_chunk(int64_t context_tokens, int64_t chunk_tokens, bool samples) {
    LLMSIM_ASSERT(context_tokens >= 0 && chunk_tokens > 0, "prefill chunk needs >= 0 context and > 0 tokens");
    prefill_tokens += chunk_tokens;
    prefill_seqs += 1;
    const auto c = static_cast<double>(context_tokens);
    const auto q = static_cast<double>(chunk_tokens);
    if (attention_window <= 0) {
        // Query i (0-based) in the chunk sees the cached context plus queries 0..i.
        prefill_attn_pairs += q * c + q * (q + 1) / 2;
        prefill_kv_tokens += context_tokens + chunk_tokens;
    } else {
        const double w = attention_window;
        double pairs = 0;
        // Each query sees min(w, position + 1) keys; sum over positions c .. c+q-1 in closed form.
        const double full_start = std::max(c, w - 1);  // first position whose window is full
        const double end = c + q;                      // one past the last position
        if (full_start < end) pairs += (end - full_start) * w;
        const double ramp_end = std::min(end, full_start);
        if (ramp_end > c) pairs += (ramp_end * (ramp_end + 1) - c * (c + 1)) / 2;
        prefill_attn_pairs += pairs;
        prefill_kv_tokens += std::min<int64_t>(context_tokens, attention_window) + chunk_tokens;
    }
    if (samples) logits_seqs += 1;
}

void BatchShape::add(const BatchShape& other) {
    prefill_tokens += other.prefill_tokens;
    prefill_seqs += other.prefill_seqs;
    prefill_attn_pairs += other.prefill_attn_pairs;
    prefill_kv_tokens += other.prefill_kv_tokens;
    decode_seqs += other.decode_seqs;
    decode_kv_tokens += other.decode_kv_tokens;
    logits_seqs += other.logits_seqs;
}

}  // namespace llmsim::models
