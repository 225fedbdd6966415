// MiniCache (Liu et al., "MiniCache: KV Cache Compression in Depth Dimension for Large Language Models", NeurIPS
// 2024): from layer `start` x layers on, adjacent layers share one merged KV direction per token, each keeping its
// own magnitude (one 16-bit value per token, head and K/V); a `retain` share of tokens too dissimilar to merge keeps
// both layers' KV. Attention restores each layer's KV before use, so reads and FLOPs stay those of the full cache;
// only memory shrinks. Prefill is unchanged.
#include <cmath>

#include "policies/kv/compression/kv_policy.hpp"

namespace llmsim::policies {

models::KvRetention make_minicache(const PolicySpec& spec, const KvPolicyContext& ctx, const std::string& where) {
    const double start = spec.number("start", 0, 1);
    const double retain = spec.number("retain", 0, 1);
    const auto layers = static_cast<double>(ctx.model->num_layers);
    // Layers from `start` on, in whole pairs.
    const double merged = 2 * std::floor((layers - std::ceil(start * layers)) / 2);
    if (merged < 2) {
        throw UsageError(where, spec.name() + ": start '" + spec.text("start") + "' leaves fewer than two of " +
                                    ctx.model->id + "'s " + std::to_string(ctx.model->num_layers) + " layers to merge");
    }
    // A pair stores one layer's KV, the retained tokens' second copy and two magnitudes per head and K/V, which stay
    // 16-bit while the KV may be quantized.
    const double magnitudes = 2.0 / static_cast<double>(ctx.model->head_dim) * (16.0 / ctx.kv_bits_per_element);
    models::KvRetention r;
    r.active = true;
    r.memory_scale = ((layers - merged) + merged / 2 * (1 + retain + magnitudes)) / layers;
    return r;
}

}  // namespace llmsim::policies
