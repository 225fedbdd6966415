#include "sim/training/training_memory.hpp"

#include <algorithm>

namespace llmsim::sim {

ModelStateBytes model_state_bytes_per_param(DType dtype, DType grad_dtype) {
    ModelStateBytes b;
    const bool fp32_params = dtype == DType::fp32 || dtype == DType::tf32;
    b.weights = fp32_params ? 4.0 : 2.0;
    if (dtype == DType::fp8) b.weights += 1.0;
    b.gradients = dtype_bytes(grad_dtype);
    b.optimizer = (fp32_params ? 0.0 : 4.0) + 8.0;
    return b;
}

MemoryBreakdown rank_memory(const MemoryInputs& in, int32_t rank) {
    const TrainingConfig& cfg = *in.config;
    const auto& p = cfg.parallel;
    const StageLayout& st = *in.stages;
    MemoryBreakdown m;
    m.rank = rank;
    const double layers = st.layers_on_rank(rank);
    double dense = layers * in.params.dense_per_layer;
    const double expert = layers * in.params.expert_per_layer;
    if (st.has_embedding(rank)) dense += in.params.embedding;
    if (st.has_lm_head(rank)) dense += in.params.lm_head;
    // ZeRO shards model states over the data-parallel ranks holding the same parameters (x context parallel).
    const double dense_shard = static_cast<double>(p.dp) * p.cp;
    const double expert_shard = dense_shard / p.ep;
    auto sharded = [&](double per_param, int32_t from_stage) {
        const bool shard = cfg.zero >= from_stage;
        return dense * per_param / (shard ? dense_shard : 1.0) + expert * per_param / (shard ? expert_shard : 1.0);
    };
    const ModelStateBytes b = model_state_bytes_per_param(cfg.dtype, cfg.shape.grad_dtype);
    m.weights_bytes = sharded(b.weights, 3);
    m.gradients_bytes = sharded(b.gradients, 2);
    m.optimizer_bytes = sharded(b.optimizer, 1);

    const int32_t m_batches = cfg.microbatches();
    m.in_flight = in.schedule->in_flight(p.pp, m_batches, p.vpp, rank);
    const double per_layer = models::stored_activation_bytes(in.activations, cfg.recompute);
    m.activations_bytes = m.in_flight * st.max_chunk_layers_on_rank(rank) * per_layer;
    // The layer being recomputed holds its full activations (or its attention core) during its backward.
    if (cfg.recompute == models::Recompute::full) m.activations_bytes += in.activations.full_bytes;
    if (cfg.recompute == models::Recompute::selective) m.activations_bytes += in.activations.attention_core_bytes;
    if (st.has_embedding(rank) && cfg.shape.dropout) {
        const double tokens = static_cast<double>(cfg.shape.local_tokens(p)) / (p.sp() ? p.tp : 1);
        m.activations_bytes += m.in_flight * tokens * static_cast<double>(in.model->hidden_size);  // dropout mask
    }

    double temporary = 0;
    if (st.has_lm_head(rank)) temporary = std::max(temporary, in.logits_bytes);
    if (cfg.zero >= 3) {
        // Prefetch: the current and the next layer's full (TP-sharded) parameters.
        temporary = std::max(temporary, 2 * (in.params.dense_per_layer + in.params.expert_per_layer) * b.weights);
    }
    if (cfg.zero >= 2) temporary = std::max(temporary, cfg.dp_bucket_params * b.gradients);
    m.temporary_bytes = temporary;
    m.reserved_bytes = cfg.memory_reserve_bytes;
    return m;
}

MemoryBreakdown peak_memory(const MemoryInputs& in) {
    MemoryBreakdown best = rank_memory(in, 0);
    for (int32_t r = 1; r < in.config->parallel.pp; ++r) {
        MemoryBreakdown m = rank_memory(in, r);
        if (m.total_bytes() > best.total_bytes()) best = m;
    }
    return best;
}

}  // namespace llmsim::sim
