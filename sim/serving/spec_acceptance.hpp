#pragma once
// The acceptance model of speculative decoding: how many drafts a verify accepts, for a chain or a token tree, with a
// per-position decay, and the closed-form expectation the tests and docs compare against. Output quality is not
// modelled: acceptance is an input.
//
// Tree of branching b_1..b_D (b_d candidates for each node at depth d - 1; a chain has every b_d = 1): depth d is
// reached when one of the b_d candidates under the accepted depth-(d-1) node is accepted. With each candidate
// accepted independently with probability a_d = alpha * decay^(d-1), that happens with p_d = 1 - (1 - a_d)^b_d, so
//     E[tokens per verify] = 1 + sum_{k=1..D} prod_{d=1..k} p_d
// (the accepted path plus the target's own next token). For a chain without decay this is
// (1 - alpha^(D+1)) / (1 - alpha). Independence across siblings is an assumption (siblings are the drafter's top-k,
// so real acceptances are correlated and this is an upper bound for a given alpha).
#include <cstdint>
#include <span>
#include <vector>

#include "common/rng.hpp"

namespace llmsim::sim {

// Per-depth acceptance of a step: the request's alpha, the decay per position and the tree's branching.
struct AcceptanceShape {
    double alpha = 0;
    double decay = 1;               // alpha_i = alpha * decay^i for draft position i (0-based)
    std::span<const int32_t> tree;  // branching per depth; empty: a chain
    int32_t depth = 0;              // draft positions (chain length or tree depth) this step
};

// Probability of reaching depth d + 1 from depth d (0-based d): 1 - (1 - alpha * decay^d)^b.
double depth_acceptance(double alpha, double decay, int32_t d, int32_t branching);

// Accepted drafts of one verify, drawn depth by depth until the first depth where no candidate is accepted.
int32_t draw_accepted(Rng& rng, const AcceptanceShape& s);
// Chain without decay: each position accepted with probability `alpha` until the first rejection, at most `gamma`.
int32_t draw_accepted(Rng& rng, double alpha, int32_t gamma);

// Expected output tokens per verify (see the header comment).
double expected_tokens_per_step(const AcceptanceShape& s);
// Chain without decay: (1 - alpha^(gamma+1)) / (1 - alpha), gamma + 1 at alpha = 1.
double expected_tokens_per_step(double alpha, int32_t gamma);

// Draft tokens in the first `depth` levels of a tree: sum_{d=1..depth} prod_{j<=d} b_j (a chain: depth).
int64_t tree_tokens(std::span<const int32_t> tree, int32_t depth);

// Online speculative decoding: the mean acceptance rises linearly from `from` to `to` as `progress` goes from 0 to
// `span` (requests served or seconds elapsed), then stays at `to`.
double ramped_alpha(double from, double to, double progress, double span);

}  // namespace llmsim::sim
