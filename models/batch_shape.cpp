#include "models/batch_shape.hpp"

#include <algorithm>
#include <cmath>

#include "common/error.hpp"

namespace llmsim::models {
namespace {

// Causal (query, key) pairs of queries at positions c .. c+q-1 that each see min(w, position + 1) keys.
double windowed_pairs(double c, double q, double w) {
    double pairs = 0;
    const double full_start = std::max(c, w - 1);  // first position whose window is full
    const double end = c + q;                      // one past the last position
    if (full_start < end) pairs += (end - full_start) * w;
    const double ramp_end = std::min(end, full_start);
    if (ramp_end > c) pairs += (ramp_end * (ramp_end + 1) - c * (c + 1)) / 2;
    return pairs;
}

// Pairs of positions 0 .. n-1 when position p sees the (p mod chunk) + 1 keys of its own chunk.
double chunked_pairs_before(int64_t n, int64_t chunk) {
    const auto full = static_cast<double>(n / chunk);
    const auto rest = static_cast<double>(n % chunk);
    const auto c = static_cast<double>(chunk);
    return full * c * (c + 1) / 2 + rest * (rest + 1) / 2;
}

}  // namespace

AttentionSpans attention_spans(const ModelSpec& model) {
    return {model.sliding_window, model.local_attention.window, model.local_attention.chunked, {}};
}

AttentionSpans attention_spans(const ModelSpec& model, const KvRetention& retention) {
    AttentionSpans s = attention_spans(model);
    s.retention = retention;
    return s;
}

void BatchShape::add_prefill_chunk(int64_t context_tokens, int64_t chunk_tokens, bool samples) {
    LLMSIM_ASSERT(context_tokens >= 0 && chunk_tokens > 0, "prefill chunk needs >= 0 context and > 0 tokens");
    prefill_tokens += chunk_tokens;
    prefill_seqs += 1;
    const auto c = static_cast<double>(context_tokens);
    const auto q = static_cast<double>(chunk_tokens);
    double pairs = 0;
    int64_t kv_tokens = 0;
    if (attention_window <= 0) {
        // Query i (0-based) in the chunk sees the cached context plus queries 0..i.
        pairs = q * c + q * (q + 1) / 2;
        kv_tokens = context_tokens + chunk_tokens;
    } else {
        pairs = windowed_pairs(c, q, attention_window);
        kv_tokens = std::min<int64_t>(context_tokens, attention_window) + chunk_tokens;
    }
    if (kv_retention.active && kv_retention.prefill_limited) {
        // Limited heads see at most cap_tokens keys (sink + window) per query; retrieval heads see everything.
        const KvRetention& r = kv_retention;
        const int64_t cap = attention_window > 0 ? std::min<int64_t>(r.cap_tokens, attention_window) : r.cap_tokens;
        const double limited_pairs = windowed_pairs(c, q, static_cast<double>(cap));
        const auto limited_kv = static_cast<double>(std::min<int64_t>(context_tokens, cap) + chunk_tokens);
        pairs = r.full_share * pairs + (1 - r.full_share) * limited_pairs;
        kv_tokens = static_cast<int64_t>(
            std::ceil(r.full_share * static_cast<double>(kv_tokens) + (1 - r.full_share) * limited_kv - 1e-9));
    }
    prefill_attn_pairs += pairs;
    prefill_kv_tokens += kv_tokens;
    if (local_window > 0) {
        if (local_chunked) {
            local_prefill_attn_pairs += chunked_pairs_before(context_tokens + chunk_tokens, local_window) -
                                        chunked_pairs_before(context_tokens, local_window);
            local_prefill_kv_tokens += context_tokens % local_window + chunk_tokens;  // the open chunk's cache
        } else {
            local_prefill_attn_pairs += windowed_pairs(c, q, local_window);
            local_prefill_kv_tokens += std::min<int64_t>(context_tokens, local_window) + chunk_tokens;
        }
    }
    if (samples) logits_seqs += 1;
}

void BatchShape::add_verify(int64_t context_tokens, int64_t query_tokens) {
    LLMSIM_ASSERT(context_tokens >= 0 && query_tokens >= 2, "a verify needs >= 0 context and >= 2 query tokens");
    // Keys read once per sequence (as a decode, over the whole lookahead); pairs grow with every extra query.
    const auto c = static_cast<double>(context_tokens);
    const auto q = static_cast<double>(query_tokens);
    const int64_t seen = context_tokens + query_tokens;
    decode_seqs += 1;
    decode_extra_tokens += query_tokens - 1;
    logits_seqs += static_cast<int32_t>(query_tokens);
    if (kv_retention.active) {
        // Every query of the lookahead reads the kept tokens (the policy's limit, after the model's window).
        const int64_t visible = attention_window > 0 ? std::min<int64_t>(seen, attention_window) : seen;
        const int64_t read = kv_retention.read_tokens(visible);
        decode_kv_refresh_tokens += kv_retention.refresh_tokens(visible);
        decode_kv_tokens += read;
        decode_kv_residual_tokens += kv_retention.residual_read(read);
        decode_extra_pairs += (q - 1) * static_cast<double>(read);
    } else if (attention_window <= 0) {
        decode_kv_tokens += seen;
        decode_extra_pairs += q * c + q * (q + 1) / 2 - static_cast<double>(seen);
    } else {
        const int64_t read = std::min<int64_t>(seen, attention_window);
        decode_kv_tokens += read;
        decode_extra_pairs += windowed_pairs(c, q, attention_window) - static_cast<double>(read);
    }
    if (local_window > 0) {
        int64_t read = 0;
        double pairs = 0;
        if (local_chunked) {
            read = context_tokens % local_window + query_tokens;
            pairs = chunked_pairs_before(seen, local_window) - chunked_pairs_before(context_tokens, local_window);
        } else {
            read = std::min<int64_t>(seen, local_window);
            pairs = windowed_pairs(c, q, local_window);
        }
        local_decode_kv_tokens += read;
        local_decode_extra_pairs += pairs - static_cast<double>(read);
    }
}

void BatchShape::add(const BatchShape& other) {
    prefill_tokens += other.prefill_tokens;
    prefill_seqs += other.prefill_seqs;
    prefill_attn_pairs += other.prefill_attn_pairs;
    prefill_kv_tokens += other.prefill_kv_tokens;
    decode_seqs += other.decode_seqs;
    decode_kv_tokens += other.decode_kv_tokens;
    decode_extra_tokens += other.decode_extra_tokens;
    decode_extra_pairs += other.decode_extra_pairs;
    logits_seqs += other.logits_seqs;
    local_prefill_attn_pairs += other.local_prefill_attn_pairs;
    local_prefill_kv_tokens += other.local_prefill_kv_tokens;
    local_decode_kv_tokens += other.local_decode_kv_tokens;
    local_decode_extra_pairs += other.local_decode_extra_pairs;
    decode_kv_residual_tokens += other.decode_kv_residual_tokens;
    decode_kv_refresh_tokens += other.decode_kv_refresh_tokens;
}

}  // namespace llmsim::models
