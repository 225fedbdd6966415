#pragma once
// One iteration's work on a replica: which requests run and how many new tokens each brings.
#include <cstdint>
#include <vector>

#include "common/error.hpp"
#include "models/batch_shape.hpp"
#include "sim/serving/request_state.hpp"

namespace llmsim::sim {

struct BatchEntry {
    RequestState* request = nullptr;
    int32_t new_tokens = 0;  // prefill chunk length, 1 for a decode, 1 + drafts for a speculative verify
    bool prefill = false;
    int32_t sampled = 0;  // output tokens this step produces (0 for a prefill chunk that is not the last)

    [[nodiscard]] bool verify() const { return !prefill && new_tokens > 1; }
};

class Batch {
  public:
    explicit Batch(const models::AttentionSpans& spans = {}) { shape_.set_spans(spans); }

    void clear();
    // A prefill chunk of `tokens` tokens (the request's KV must already cover kv_tokens() + tokens).
    void add_prefill(RequestState& r, int32_t tokens);
    void add_decode(RequestState& r) { add_decode(r, r.kv_tokens()); }
    // Hot path: the caller already knows the request's cached tokens.
    void add_decode(RequestState& r, int64_t kv_tokens) {
        LLMSIM_ASSERT(r.prefill_done() && r.generated < r.output_tokens, "decode of a request that cannot decode");
        r.in_flight = true;  // a built batch is always dispatched
        entries_.push_back({&r, decode_tokens_, false, 1});
        sampled_tokens_ += 1;
        if (decode_tokens_ == 1) {
            shape_.add_decode(kv_tokens);
        } else {
            shape_.add_verify(kv_tokens, decode_tokens_);
        }
    }
    // Query tokens each decode brings this step: 1, or gamma + 1 when the replica speculates (set before
    // scheduling, so schedulers reserve KV and token budget for the lookahead). Reset to 1 by clear().
    void set_decode_tokens(int32_t tokens) {
        LLMSIM_ASSERT(tokens >= 1 && entries_.empty(), "decode tokens are set on an empty batch");
        decode_tokens_ = tokens;
    }
    [[nodiscard]] int32_t decode_tokens() const { return decode_tokens_; }
    // The output tokens entry `i` (a verify) produces once its acceptance is drawn (1 to new_tokens).
    void set_sampled(size_t i, int32_t tokens) {
        BatchEntry& e = entries_[i];
        LLMSIM_ASSERT(e.verify() && tokens >= 1 && tokens <= e.new_tokens, "verify emits 1..gamma+1 tokens");
        sampled_tokens_ += tokens - e.sampled;
        e.sampled = tokens;
    }

    [[nodiscard]] const std::vector<BatchEntry>& entries() const { return entries_; }
    [[nodiscard]] const models::BatchShape& shape() const { return shape_; }
    [[nodiscard]] bool empty() const { return entries_.empty(); }
    [[nodiscard]] int32_t size() const { return static_cast<int32_t>(entries_.size()); }
    [[nodiscard]] int64_t tokens() const { return shape_.total_tokens(); }
    // Output tokens the iteration produces (decodes and last prefill chunks).
    [[nodiscard]] int64_t sampled_tokens() const { return sampled_tokens_; }
    // Time spent moving KV for this iteration before (or, layer by layer, during) its forward pass: prefix blocks
    // loaded from lower tiers, swap-outs and swap-ins. Set by the replica from its KV manager.
    [[nodiscard]] int64_t kv_transfer_ns() const { return kv_transfer_ns_; }
    void set_kv_transfer_ns(int64_t ns) { kv_transfer_ns_ = ns; }
    // Drafting time of a speculative step: serial before the verify pass, or beside it when `overlapped` (PEARL's
    // parallel drafting on the drafter's own device). Set by the replica from its speculator.
    [[nodiscard]] int64_t draft_ns() const { return draft_ns_; }
    [[nodiscard]] bool draft_overlapped() const { return draft_overlapped_; }
    void set_draft_ns(int64_t ns, bool overlapped = false) {
        draft_ns_ = ns;
        draft_overlapped_ = overlapped;
    }

  private:
    std::vector<BatchEntry> entries_;
    models::BatchShape shape_;
    int64_t kv_transfer_ns_ = 0;
    int64_t sampled_tokens_ = 0;
    int64_t draft_ns_ = 0;
    int32_t decode_tokens_ = 1;
    bool draft_overlapped_ = false;
};

}  // namespace llmsim::sim
