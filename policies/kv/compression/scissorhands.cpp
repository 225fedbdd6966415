// Scissorhands (Liu et al., "Scissorhands: Exploiting the Persistence of Importance Hypothesis for LLM KV Cache
// Compression at Test Time", NeurIPS 2023): under a fixed `budget`, tokens that were not pivotal within a history
// window are dropped (pivotal ones persist). Memory and reads follow the budget as in H2O; tracking cost: one int32
// importance counter per kept token and query head, read and written every decode step in every layer (8 bytes).
#include "policies/kv/compression/heavy_hitter.hpp"

namespace llmsim::policies {

models::KvRetention make_scissorhands(const PolicySpec& spec, const KvPolicyContext& ctx, const std::string& where) {
    constexpr double kScoreBytesPerTokenHead = 8;  // one int32 importance counter, read and written
    return heavy_hitter_retention(spec, ctx, where, kScoreBytesPerTokenHead);
}

}  // namespace llmsim::policies
