#include "sim/serving/batch.hpp"

#include "common/error.hpp"

namespace llmsim::sim {

void Batch::clear() {
    entries_.clear();
    const int32_t window = shape_.attention_window;
    shape_ = models::BatchShape{};
    shape_.attention_window = window;
}

void Batch::add_prefill(RequestState& r, int32_t tokens) {
    LLMSIM_ASSERT(tokens > 0 && tokens <= r.remaining_prefill(), "prefill chunk outside the request's prompt");
    const bool samples = tokens == r.remaining_prefill();
    entries_.push_back({&r, tokens, true, samples});
    shape_.add_prefill_chunk(r.prefilled, tokens, samples);
}

void Batch::add_decode(RequestState& r) {
    LLMSIM_ASSERT(r.prefill_done() && r.generated < r.output_tokens, "decode of a request that cannot decode");
    entries_.push_back({&r, 1, false, true});
    shape_.add_decode(r.kv_tokens());
}

}  // namespace llmsim::sim
