#pragma once
// How one model replica is split over GPUs for inference, and the per-GPU shard sizes that follow.
#include <cstdint>
#include <string>
#include <vector>

#include "models/model_spec.hpp"

namespace llmsim::models {

struct InferenceParallel {
    int32_t tp = 1;  // tensor parallel degree
    int32_t pp = 1;  // pipeline stages
    int32_t ep = 1;  // expert parallel degree (MoE), within the TP group's GPUs x ep
    [[nodiscard]] int32_t gpus() const { return tp * pp * ep; }
};

// Layers of each kind on one pipeline stage (they differ in DeepSeek, Llama 4, Qwen3-MoE and Gemma 2/3).
struct StageLayers {
    int32_t layers = 0;
    int32_t moe = 0;              // MoE layers (the rest are dense)
    int32_t local_attention = 0;  // sliding-window or chunked layers (the rest are global)
};

// Per-GPU shard of one layer under TP: heads, KV heads (replicated when tp > kv heads), MLP width, vocab.
struct ShardShape {
    int32_t heads = 0;
    int32_t kv_heads = 0;
    int64_t intermediate = 0;
    int64_t expert_intermediate = 0;
    int32_t local_experts = 0;
    int64_t vocab = 0;
    std::vector<int32_t> layers_per_stage;  // pp entries; earlier stages take the remainder
    std::vector<StageLayers> stage_layers;  // the same stages, by layer kind
};

// Throws UsageError("--tp"/"--pp"/"--ep", ...) when the split is impossible for this model, naming the numbers.
ShardShape shard_model(const ModelSpec& model, const InferenceParallel& par);

}  // namespace llmsim::models
