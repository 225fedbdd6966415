#pragma once
// What one forward pass processes, reduced to the aggregates that determine its cost. Built incrementally from
// prefill chunks and decode tokens so the cost of an iteration is O(1) to evaluate after O(batch) to build.
#include <cstdint>

#include "models/kv_retention.hpp"
#include "models/model_spec.hpp"

namespace llmsim::models {

// The key spans attention layers see: a window on every layer (Mistral), and/or local layers interleaved with global
// ones (Gemma sliding windows, Llama 4 chunks).
struct AttentionSpans {
    int32_t window = 0;        // every layer (0 = full attention)
    int32_t local_window = 0;  // local layers only (0 = none)
    bool local_chunked = false;
    KvRetention retention;  // a KV policy's limits on what attention reads (inactive: all of it)
};
AttentionSpans attention_spans(const ModelSpec& model);
// The model's spans under a KV policy's retention.
AttentionSpans attention_spans(const ModelSpec& model, const KvRetention& retention);

struct BatchShape {
    int64_t prefill_tokens = 0;     // new tokens from prefill chunks
    int32_t prefill_seqs = 0;       // sequences contributing a prefill chunk
    double prefill_attn_pairs = 0;  // causal (query, key) pairs over all chunks
    int64_t prefill_kv_tokens = 0;  // keys/values each chunk reads: sum of (cached context + chunk)
    int32_t decode_seqs = 0;        // sequences contributing one decode token each
    int64_t decode_kv_tokens = 0;   // keys/values decodes read: sum of (cached context + 1)
    // Speculative verify: a decode sequence may bring q > 1 query tokens (its last token and q - 1 draft tokens).
    // These count what goes beyond one query per decode sequence; zero without speculation.
    int64_t decode_extra_tokens = 0;  // query tokens beyond one per decode sequence
    double decode_extra_pairs = 0;    // (query, key) pairs beyond decode_kv_tokens
    int32_t logits_seqs = 0;          // rows that get logits this pass (decode queries + finished prefills)
    int32_t attention_window = 0;     // sliding window (0 = full attention), set by the model
    // The same aggregates for the local layers of a model that has them (zero otherwise).
    int32_t local_window = 0;  // window or chunk size of local layers, set by the model
    bool local_chunked = false;
    double local_prefill_attn_pairs = 0;
    int64_t local_prefill_kv_tokens = 0;
    int64_t local_decode_kv_tokens = 0;
    double local_decode_extra_pairs = 0;
    // Under a KV policy: what attention reads, how many of the decode reads are 16-bit residual tokens (KIVI), and
    // how many decode tokens are fetched from host memory and rebuilt (ShadowKV).
    KvRetention kv_retention;
    int64_t decode_kv_residual_tokens = 0;
    int64_t decode_kv_refresh_tokens = 0;

    void set_spans(const AttentionSpans& s) {
        attention_window = s.window;
        local_window = s.local_window;
        local_chunked = s.local_chunked;
        kv_retention = s.retention;
    }
    [[nodiscard]] AttentionSpans spans() const { return {attention_window, local_window, local_chunked, kv_retention}; }

    // A chunk of `chunk_tokens` new prompt tokens on top of `context_tokens` already cached. `samples` is true
    // when this is the prompt's last chunk (the pass produces the first output token).
    void add_prefill_chunk(int64_t context_tokens, int64_t chunk_tokens, bool samples);
    // One new token on top of `context_tokens` cached ones.
    void add_decode(int64_t context_tokens) {
        decode_seqs += 1;
        const int64_t seen = context_tokens + 1;
        int64_t read = (attention_window > 0 && seen > attention_window) ? attention_window : seen;
        if (kv_retention.active) {
            decode_kv_refresh_tokens += kv_retention.refresh_tokens(read);
            read = kv_retention.read_tokens(read);
            decode_kv_residual_tokens += kv_retention.residual_read(read);
        }
        decode_kv_tokens += read;
        if (local_window > 0) {
            // A chunked layer sees its own chunk up to the new token; a sliding one the last local_window tokens.
            local_decode_kv_tokens +=
                local_chunked ? context_tokens % local_window + 1 : (seen > local_window ? local_window : seen);
        }
        logits_seqs += 1;
    }
    // A speculative verify: `query_tokens` (>= 2) tokens on top of `context_tokens` cached ones, attending causally;
    // each query's logits are sampled (the target checks every draft position and adds one token).
    void add_verify(int64_t context_tokens, int64_t query_tokens);
    void add(const BatchShape& other);

    [[nodiscard]] int64_t total_tokens() const { return prefill_tokens + decode_seqs + decode_extra_tokens; }
    [[nodiscard]] int32_t total_seqs() const { return prefill_seqs + decode_seqs; }
    [[nodiscard]] bool empty() const { return total_tokens() == 0; }
};

}  // namespace llmsim::models
