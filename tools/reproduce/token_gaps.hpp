#pragma once
// Time between tokens (TBT) of every decode step: the gap between a request's consecutive token events, stalls and
// preemptions included. Sarathi-Serve's SLO is on the P99 of this per-token figure, which a request's mean TPOT
// (`run --json`) smooths away: one prefill stalling a decode for a second barely moves a 400-token request's mean.
#include <cstdint>
#include <vector>

#include "sim/serving/metrics.hpp"
#include "sim/serving/request_lifecycle.hpp"

namespace llmsim::tools::reproduce {

class TokenGapRecorder final : public sim::LifecycleObserver {
  public:
    // One gap per token event: a speculative step emitting n tokens at once is one gap, as a streaming client sees.
    void on_tokens(const sim::RequestState& r, int32_t n, int64_t now_ns) override;
    // Over every gap recorded so far (reorders the stored gaps).
    [[nodiscard]] sim::Distribution gaps_ms();

  private:
    std::vector<int64_t> last_token_ns_;  // by request id; -1 before its first token
    std::vector<double> gaps_ms_;
};

}  // namespace llmsim::tools::reproduce
