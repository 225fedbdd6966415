#include "sim/serving/batch.hpp"

#include "common/error.hpp"

namespace llmsim::sim {

void Batch::clear() {
    entries_.clear();
    const models::AttentionSpans spans = shape_.spans();
    shape_ = models::BatchShape{};
    kv_transfer_ns_ = 0;
    sampled_tokens_ = 0;
    draft_ns_ = 0;
    draft_overlapped_ = false;
    decode_tokens_ = 1;
    shape_.set_spans(spans);
}

void Batch::add_prefill(RequestState& r, int32_t tokens) {
    LLMSIM_ASSERT(tokens > 0 && tokens <= r.remaining_prefill(), "prefill chunk outside the request's prompt");
    const bool samples = tokens == r.remaining_prefill();
    r.in_flight = true;  // a built batch is always dispatched
    entries_.push_back({&r, tokens, true, samples ? 1 : 0});
    sampled_tokens_ += samples ? 1 : 0;
    shape_.add_prefill_chunk(r.prefilled, tokens, samples);
}

}  // namespace llmsim::sim
