#pragma once
// The operator list of one forward pass, per GPU: FLOPs and bytes of each kernel for a batch shape, parallel
// split and precision. Per-layer ops are listed once (the pass runs them layers_per_stage times).
#include <cstdint>
#include <string_view>
#include <vector>

#include "common/kernel.hpp"
#include "models/batch_shape.hpp"
#include "models/model_spec.hpp"
#include "models/parallel.hpp"
#include "models/precision.hpp"

namespace llmsim::models {

enum class OpScope { per_layer, first_stage, last_stage, stage_boundary };
// Which layers run a per-layer op. Models whose layers are all alike tag everything `all`; a model that mixes dense
// and MoE layers tags its MLP ops, one that mixes local and global attention layers its attention ops.
enum class OpLayers { all, dense_mlp, moe_mlp, global_attention, local_attention };
inline constexpr int kOpLayerKinds = 5;
std::string_view op_layers_name(OpLayers l);
// How many of a stage's layers run an op tagged `l`.
int32_t layers_running(OpLayers l, const StageLayers& stage);

struct Op {
    std::string_view name;  // contract names: qkv_proj, attn_decode, tp_all_reduce, ...
    OpClass op_class = OpClass::elementwise;
    OpScope scope = OpScope::per_layer;
    DType dtype = DType::fp16;    // math type (selects the peak for compute-bound work)
    double flops = 0;             // per GPU, per occurrence
    double bytes = 0;             // bytes moved to/from device memory per GPU (collectives: message bytes per GPU)
    int32_t kernels = 1;          // kernel launches (each pays the class's fixed overhead); collectives: calls
    double rows = 1;              // independent rows of work (attention: query tokens x heads); efficiency is
                                  // looked up at flops per row, which is what a kernel can spread over its SMs
    int64_t m = 0, n = 0, k = 0;  // GEMM shape per GPU (for reports)
    CollectiveKind collective = CollectiveKind::all_reduce;
    int32_t group_size = 1;  // GPUs taking part in a collective
    OpLayers layers = OpLayers::all;
    bool attention = false;  // depends on the batch's prefill/decode split and contexts, not only its token count
    // Bytes crossing the host link (PCIe) per occurrence while the op runs, overlapped with its device work (an
    // offloaded KV cache's fetch): the op takes the longer of the two.
    double host_bytes = 0;
};

struct OpListOptions {
    bool include_lm_head = true;  // a pass that samples; false for training's per-layer view
};

// Builds the ops for the pass. Ops with zero work (e.g. attn_prefill in a decode-only batch) are omitted.
std::vector<Op> build_forward_ops(const ModelSpec& model, const ShardShape& shard, const InferenceParallel& par,
                                  const Precision& prec, const BatchShape& batch);

// The attention ops of one layer for the batch (the `attention` ops of build_forward_ops, in the same order), appended
// to `out`. The simulator's fast path prices these per batch and memoises the rest by token count.
void append_attention_ops(std::vector<Op>& out, const ModelSpec& model, const ShardShape& shard, const Precision& prec,
                          const BatchShape& batch);

// Parameters and per-token KV bytes of one GPU (the largest stage).
struct MemoryFootprint {
    double weight_bytes_per_gpu = 0;
    // K and V (MLA: the latent), all layers of the stage, for every token: what the block manager allocates.
    double kv_bytes_per_token_per_gpu = 0;
    // The same split by what a layer must keep: global layers every token, local layers at most the window.
    double kv_global_bytes_per_token_per_gpu = 0;
    double kv_local_bytes_per_token_per_gpu = 0;
    int32_t kv_local_window_tokens = 0;
    // KV bytes one sequence of `tokens` tokens needs on this GPU when local layers drop what left their window.
    [[nodiscard]] double kv_bytes_per_sequence(int64_t tokens) const;
};
MemoryFootprint memory_footprint(const ModelSpec& model, const ShardShape& shard, const InferenceParallel& par,
                                 const Precision& prec);

// Peak temporary activation memory of a pass with `max_tokens` tokens and `max_seqs` sampled sequences
// (vLLM sizes this by profiling one such pass; we count the largest live tensors instead).
double activation_workspace_bytes(const ModelSpec& model, const ShardShape& shard, const Precision& prec,
                                  int64_t max_tokens, int64_t max_seqs);

}  // namespace llmsim::models
