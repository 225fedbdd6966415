// H2O (Zhang et al., "H2O: Heavy-Hitter Oracle for Efficient Generative Inference of Large Language Models",
// NeurIPS 2023): after a dense prefill, each head keeps the heavy hitters (largest accumulated attention) plus the
// most recent tokens within a `budget` (a share of the context, or tokens). Tracking cost: one fp32 accumulated score
// per kept token and query head, read and written every decode step in every layer (8 bytes).
#include "policies/kv/compression/kv_policy.hpp"

namespace llmsim::policies {

models::KvRetention make_h2o(const PolicySpec& spec, const KvPolicyContext& ctx, const std::string& where) {
    models::KvRetention r;
    r.active = true;
    r.full_share = 0;
    kv_params::budget(spec, ctx, where, r);
    r.score_bytes_per_token_head = 8;
    return r;
}

}  // namespace llmsim::policies
