#pragma once
// What the heavy-hitter policies (H2O, Scissorhands) share: a dense prefill, then each head keeps `budget` tokens
// picked by a score it tracks per kept token and query head. They differ in the rule and in the score's bytes.
#include <string>

#include "policies/kv/compression/kv_policy.hpp"

namespace llmsim::policies {

// The retention of a budgeted heavy-hitter policy whose score costs `score_bytes_per_token_head` of reads and writes
// every decode step in every layer.
models::KvRetention heavy_hitter_retention(const PolicySpec& spec, const KvPolicyContext& ctx, const std::string& where,
                                           double score_bytes_per_token_head);

}  // namespace llmsim::policies
