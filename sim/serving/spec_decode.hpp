#pragma once
// Speculative decoding in the batching loop (the seam). While speculation is on (at most `max_batch` requests
// running), every decode of a step becomes a verify: one target pass over gamma + 1 query tokens per sequence (its
// last token and gamma drafts), after the drafter proposed the drafts. Each verify accepts a prefix of its drafts,
// drawn from the replica's own RNG stream (independent of every other random number), and emits the accepted
// drafts plus the target's own next token, capped by the request's remaining output. Rejected lookahead KV slots
// stay with the request and are overwritten by its next step (as vLLM V1 rolls back its computed-token count);
// everything is freed when it finishes. Output quality is not modelled: acceptance is an input.
#include <cstdint>
#include <memory>

#include "common/rng.hpp"
#include "models/batch_shape.hpp"
#include "sim/serving/batch.hpp"

namespace llmsim::sim {

struct SpecDecodeConfig {
    int32_t gamma = 1;        // drafts per verify (query tokens = gamma + 1)
    double alpha = 0;         // mean per-token acceptance probability
    double alpha_spread = 0;  // standard deviation of the per-request acceptance (a Beta with mean alpha); 0: none
    int32_t max_batch = 0;    // speculation off while more requests than this are running (0: always on)
    uint64_t seed = 0;        // run seed: the acceptance stream and per-request rates derive from it
};

// What proposing drafts costs. A drafter prices gamma proposals for one step's speculating sequences.
class Drafter {
  public:
    virtual ~Drafter() = default;
    // `decodes`: the speculating sequences as one-token decodes at their current contexts (full attention).
    [[nodiscard]] virtual double draft_ns(const models::BatchShape& decodes, int32_t gamma) = 0;
};

struct SpecDecodeStats {
    int64_t verifies = 0;         // verify entries (sequence-steps)
    int64_t proposed_tokens = 0;  // gamma per verify
    int64_t accepted_tokens = 0;  // drafts accepted (as drawn, before the cap by remaining output)
    int64_t emitted_tokens = 0;   // output tokens the verifies produced
    double draft_ns = 0;          // drafting time, summed over steps

    SpecDecodeStats& operator+=(const SpecDecodeStats& o) {
        verifies += o.verifies;
        proposed_tokens += o.proposed_tokens;
        accepted_tokens += o.accepted_tokens;
        emitted_tokens += o.emitted_tokens;
        draft_ns += o.draft_ns;
        return *this;
    }
};

// Accepted drafts of one verify: each position is accepted with probability `alpha` until the first rejection
// (geometric), at most `gamma`.
int32_t draw_accepted(Rng& rng, double alpha, int32_t gamma);
// Expected output tokens per verify: (1 - alpha^(gamma+1)) / (1 - alpha), gamma + 1 at alpha = 1.
double expected_tokens_per_step(double alpha, int32_t gamma);

// One replica's speculation: when to speculate, the acceptance draws and the drafting time.
class SpecDecoder {
  public:
    SpecDecoder(const SpecDecodeConfig& config, std::shared_ptr<Drafter> drafter, int32_t replica);

    // Query tokens per decode in the next step with `running` requests running.
    [[nodiscard]] int32_t decode_tokens(int64_t running) const {
        return config_.max_batch > 0 && running > config_.max_batch ? 1 : config_.gamma + 1;
    }
    // Draws each verify's accepted drafts, sets what it emits, and sets the batch's drafting time.
    void on_batch(Batch& batch);
    [[nodiscard]] const SpecDecodeStats& stats() const { return stats_; }

  private:
    double alpha_of(RequestState& r) const;

    SpecDecodeConfig config_;
    std::shared_ptr<Drafter> drafter_;
    Rng rng_;
    SpecDecodeStats stats_;
};

}  // namespace llmsim::sim
