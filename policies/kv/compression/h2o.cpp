// H2O (Zhang et al., "H2O: Heavy-Hitter Oracle for Efficient Generative Inference of Large Language Models",
// NeurIPS 2023): after a dense prefill, each head keeps the heavy hitters (largest accumulated attention) plus the
// most recent tokens within a `budget` (a share of the context, or tokens). Tracking cost: one fp32 accumulated score
// per kept token and query head, read and written every decode step in every layer (8 bytes).
#include "policies/kv/compression/heavy_hitter.hpp"

namespace llmsim::policies {

models::KvRetention make_h2o(const PolicySpec& spec, const KvPolicyContext& ctx, const std::string& where) {
    constexpr double kScoreBytesPerTokenHead = 8;  // one fp32 accumulated score, read and written
    return heavy_hitter_retention(spec, ctx, where, kScoreBytesPerTokenHead);
}

}  // namespace llmsim::policies
