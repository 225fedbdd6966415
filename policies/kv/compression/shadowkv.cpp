// ShadowKV (Sun et al., "ShadowKV: KV Cache in Shadows for High-Throughput Long-Context LLM Inference", ICML 2025,
// arXiv 2410.21465). The GPU keeps the pre-RoPE keys as a rank-`rank` factorisation (one 16-bit factor row per token;
// the rank x kv_dim basis per sequence and layer is a fixed ~10 MB for Llama-3-8B and is not counted), one landmark
// key per `chunk` tokens (the chunk's mean post-RoPE key), a static `outliers` share of tokens in full and the
// `budget` of selected KV pairs; the values live in host memory. Each decode step scores the landmarks, selects the
// budget's chunks, fetches the values of those not cached from the previous step (1 - `reuse`) over the host link
// while rebuilding their keys (the paper overlaps the two on CUDA streams), then attends sparsely over the budget and
// the outliers. Defaults are the paper's: rank 160, a 1.56% budget, 8-token chunks, 0.3% outlier chunks and its 60%
// cut in fetching and rebuilding from temporal locality. Prefill is dense; its one-off SVD and value offload are not
// counted (small beside a long prompt's quadratic attention).
#include "policies/kv/compression/kv_policy.hpp"

namespace llmsim::policies {

models::KvRetention make_shadowkv(const PolicySpec& spec, const KvPolicyContext& ctx, const std::string& where) {
    const models::ModelSpec& model = *ctx.model;
    const int64_t kv_dim = static_cast<int64_t>(model.num_kv_heads) * model.head_dim;
    // The keys of all KV heads of a layer are factorised together, so the rank is bounded by their width.
    const int64_t rank = spec.integer("rank", 1, kv_dim);
    const int64_t chunk = kv_params::tokens(spec, "chunk", 1);
    const double outliers = spec.number("outliers", 0, 1);
    const double reuse = spec.number("reuse", 0, 1);
    if (reuse >= 1) {
        throw UsageError(where, spec.name() + ": bad reuse '" + spec.text("reuse") +
                                    "' (expected a share in [0, 1): some selected values must come from the host)");
    }
    if (ctx.kv_bits_per_element != 16) {
        throw UsageError(where, spec.name() +
                                    ": ShadowKV keeps its low-rank keys, landmarks and offloaded values in "
                                    "16 bits; drop --kv-dtype or set it to fp16/bf16");
    }
    models::KvRetention r;
    r.active = true;
    r.full_share = 0;
    kv_params::budget(spec, ctx, where, r);
    const auto dense_elements = 2.0 * static_cast<double>(kv_dim);  // K and V of one token
    // Landmark keys (K only, one per chunk) and the outliers' K and V are read at every step besides the budget.
    r.scan_share = static_cast<double>(kv_dim) / static_cast<double>(chunk) / dense_elements + outliers;
    r.resident_share = static_cast<double>(rank) / dense_elements;
    r.refresh_share = 1.0 - reuse;
    r.rebuild_rank = rank;
    return r;
}

}  // namespace llmsim::policies
