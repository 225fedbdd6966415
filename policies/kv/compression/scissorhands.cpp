// Scissorhands (Liu et al., "Scissorhands: Exploiting the Persistence of Importance Hypothesis for LLM KV Cache
// Compression at Test Time", NeurIPS 2023): under a fixed `budget`, tokens that were not pivotal within a history
// window are dropped (pivotal ones persist). Memory and reads follow the budget as in H2O; tracking cost: one int32
// importance counter per kept token and query head, read and written every decode step in every layer (8 bytes).
#include "policies/kv/compression/kv_policy.hpp"

namespace llmsim::policies {

models::KvRetention make_scissorhands(const PolicySpec& spec, const KvPolicyContext& ctx, const std::string& where) {
    models::KvRetention r;
    r.active = true;
    r.full_share = 0;
    kv_params::budget(spec, ctx, where, r);
    r.score_bytes_per_token_head = 8;
    return r;
}

}  // namespace llmsim::policies
