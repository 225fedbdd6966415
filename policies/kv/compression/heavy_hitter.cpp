#include "policies/kv/compression/heavy_hitter.hpp"

namespace llmsim::policies {

models::KvRetention heavy_hitter_retention(const PolicySpec& spec, const KvPolicyContext& ctx, const std::string& where,
                                           double score_bytes_per_token_head) {
    models::KvRetention r;
    r.active = true;
    r.full_share = 0;
    kv_params::budget(spec, ctx, where, r);
    r.score_bytes_per_token_head = score_bytes_per_token_head;
    return r;
}

}  // namespace llmsim::policies
