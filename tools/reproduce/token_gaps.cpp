#include "tools/reproduce/token_gaps.hpp"

#include "common/error.hpp"

namespace llmsim::tools::reproduce {

void TokenGapRecorder::on_tokens(const sim::RequestState& r, int32_t n, int64_t now_ns) {
    LLMSIM_ASSERT(n >= 1, "a token event carries at least one token");
    if (r.id >= last_token_ns_.size()) last_token_ns_.resize(static_cast<size_t>(r.id) + 1, -1);
    int64_t& last = last_token_ns_[r.id];
    if (last >= 0) {
        LLMSIM_ASSERT(now_ns >= last, "token events of a request go forward in time");
        gaps_ms_.push_back(static_cast<double>(now_ns - last) * 1e-6);
    }
    last = now_ns;
}

sim::Distribution TokenGapRecorder::gaps_ms() {
    return sim::distribution_of(gaps_ms_);
}

}  // namespace llmsim::tools::reproduce
