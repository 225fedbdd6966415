#pragma once
// Speculative decoding in the batching loop (the seam). While speculation is on (see SpecDecodeConfig's batch
// thresholds), every decode of a step becomes a verify: one target pass over the request's last token and its
// drafts (gamma for a chain, every node of the token tree for a tree, checked under a tree attention mask), after
// the drafter proposed them. Each verify accepts a path of its drafts, drawn from the replica's own RNG stream
// (independent of every other random number; see spec_acceptance.hpp for the law), and emits the accepted drafts plus
// the target's own next token, capped by the request's remaining output. Rejected lookahead KV slots stay with the
// request and are overwritten by its next step (as vLLM V1 rolls back its computed-token count); everything is freed
// when it finishes. Output quality is not modelled: acceptance is an input.
#include <cstdint>
#include <memory>
#include <span>
#include <utility>
#include <vector>

#include "common/rng.hpp"
#include "models/batch_shape.hpp"
#include "sim/serving/batch.hpp"
#include "sim/serving/spec_acceptance.hpp"

namespace llmsim::sim {

struct SpecDecodeConfig {
    int32_t gamma = 1;          // drafts per verify for a chain; the depth of a tree
    std::vector<int32_t> tree;  // branching per depth (size gamma); empty: a chain
    double alpha = 0;           // mean per-token acceptance probability (the start of an online ramp)
    double alpha_spread = 0;    // standard deviation of the per-request acceptance (a Beta with the mean); 0: none
    double decay = 1;           // acceptance at draft position i is alpha * decay^i
    // Online speculative decoding: the mean acceptance rises from alpha to alpha_to over ramp_requests requests
    // (by request id) or ramp_s seconds (by arrival time); alpha_to < 0: constant.
    double alpha_to = -1;
    int64_t ramp_requests = 0;
    double ramp_s = 0;
    int32_t max_batch = 0;  // speculation off while more requests than this are running (0: always on)
    // Adaptive draft length by batch size: (running above, depth) pairs, ascending; the last one that applies wins.
    std::vector<std::pair<int32_t, int32_t>> batch_gamma;
    bool overlap = false;   // drafting runs beside the verify pass (PEARL) instead of before it
    bool adaptive = false;  // the depth adapts step by step (Drafter::adapt_gamma on the previous step's shape)
    uint64_t seed = 0;      // run seed: the acceptance stream and per-request rates derive from it
};

// What proposing drafts costs. A drafter prices one step's proposals for the speculating sequences.
class Drafter {
  public:
    virtual ~Drafter() = default;
    // `decodes`: the speculating sequences as one-token decodes at their current contexts (full attention).
    [[nodiscard]] virtual double draft_ns(const models::BatchShape& decodes, int32_t gamma) = 0;
    // A token tree, level by level: level d expands the prod_{j<d} b_j frontier nodes of each sequence. A chain
    // (every b = 1) costs draft_ns(decodes, depth); drafters that propose a whole tree at once override this.
    [[nodiscard]] virtual double tree_draft_ns(const models::BatchShape& decodes, std::span<const int32_t> tree) {
        return draft_ns(decodes, static_cast<int32_t>(tree.size()));
    }
    // Adaptive draft length: the depth for the next step, at most `gamma_max`, from this step's shape. `target`: the
    // sequences at their full contexts; `drafts`: as the drafter sees them; `alpha`, `decay`: the step's mean
    // acceptance. PEARL balances drafting against the verify pass; `adaptive` maximises expected tokens per second.
    // Drafters without a rule of their own keep gamma_max.
    [[nodiscard]] virtual int32_t adapt_gamma(const models::BatchShape& /*target*/,
                                              const models::BatchShape& /*drafts*/, int32_t gamma_max, double /*alpha*/,
                                              double /*decay*/) {
        return gamma_max;
    }
    // The drafter attends to at most this many latest context tokens (a retrieved or sparse KV); 0: all of them.
    int64_t context_tokens_max = 0;
};

struct SpecDecodeStats {
    int64_t verifies = 0;         // verify entries (sequence-steps)
    int64_t proposed_tokens = 0;  // draft tokens verified (tree nodes for a tree)
    int64_t accepted_tokens = 0;  // drafts accepted (as drawn, before the cap by remaining output)
    int64_t emitted_tokens = 0;   // output tokens the verifies produced
    int64_t depth_sum = 0;        // draft depth summed over verifies (the depth may adapt step by step)
    double draft_ns = 0;          // drafting time, summed over steps

    SpecDecodeStats& operator+=(const SpecDecodeStats& o) {
        verifies += o.verifies;
        proposed_tokens += o.proposed_tokens;
        accepted_tokens += o.accepted_tokens;
        emitted_tokens += o.emitted_tokens;
        depth_sum += o.depth_sum;
        draft_ns += o.draft_ns;
        return *this;
    }
};

// One replica's speculation: when to speculate and how deep, the acceptance draws and the drafting time.
class SpecDecoder {
  public:
    SpecDecoder(const SpecDecodeConfig& config, std::shared_ptr<Drafter> drafter, int32_t replica);

    // Query tokens per decode in the next step with `running` requests running (1: no speculation). Fixes the
    // step's depth for the on_batch call that follows.
    [[nodiscard]] int32_t decode_tokens(int64_t running);
    // Draws each verify's accepted drafts, sets what it emits, and sets the batch's drafting time.
    void on_batch(Batch& batch);
    [[nodiscard]] const SpecDecodeStats& stats() const { return stats_; }
    // The mean acceptance of a request (online ramp and Beta spread applied), fixed on its first verify.
    double alpha_of(RequestState& r) const;

  private:
    [[nodiscard]] int32_t depth_for(int64_t running) const;

    SpecDecodeConfig config_;
    std::shared_ptr<Drafter> drafter_;
    Rng rng_;
    SpecDecodeStats stats_;
    int32_t step_depth_ = 0;     // depth of the step being scheduled (0: plain decode)
    int32_t adapted_depth_ = 0;  // adaptive drafters: the depth the previous step chose (0: not yet known)
};

}  // namespace llmsim::sim
