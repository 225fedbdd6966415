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
    int32_t new_tokens = 0;  // prefill chunk length, or 1 for a decode
    bool prefill = false;
    int32_t sampled = 0;  // output tokens this step produces (0 for a prefill chunk that is not the last)
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
        entries_.push_back({&r, 1, false, 1});
        sampled_tokens_ += 1;
        shape_.add_decode(kv_tokens);
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

  private:
    std::vector<BatchEntry> entries_;
    models::BatchShape shape_;
    int64_t kv_transfer_ns_ = 0;
    int64_t sampled_tokens_ = 0;
};

}  // namespace llmsim::sim
