#pragma once
// The per-GPU work of one training micro-batch: forward and backward operators of one transformer layer (plus what
// recomputation reruns), the embedding and LM-head/loss work of the first and last pipeline stages, the parameters
// each GPU holds and the activations it keeps for backward. FLOPs, bytes and sizes only: sim/training prices them.
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "common/kernel.hpp"
#include "models/layer_ops.hpp"
#include "models/model_spec.hpp"
#include "models/parallel.hpp"
#include "models/precision.hpp"

namespace llmsim::models {

enum class Recompute { none, selective, full };  // selective = the attention core only (Korthikanti et al. 2022)
enum class AttentionImpl { flash, unfused };     // unfused = batched GEMMs + softmax + dropout (Megatron 2021)
enum class CpKind { ring, ulysses };             // context parallel: KV ring passing or head all-to-all
enum class CommAxis { none, tp, cp, ep, dp, pp };

std::string_view recompute_name(Recompute r);
std::optional<Recompute> recompute_from_name(std::string_view name);
std::string_view attention_impl_name(AttentionImpl a);
std::optional<AttentionImpl> attention_impl_from_name(std::string_view name);
std::string_view cp_kind_name(CpKind k);
std::optional<CpKind> cp_kind_from_name(std::string_view name);
std::string_view comm_axis_name(CommAxis a);

// How a training job is split. GPUs = tp x cp x dp x pp; expert parallelism subdivides the data-parallel ranks
// (Megatron-Core's layout), so ep divides dp and does not multiply the GPU count.
struct TrainingParallel {
    int32_t tp = 1;
    int32_t pp = 1;
    int32_t dp = 1;
    int32_t cp = 1;
    int32_t ep = 1;
    int32_t vpp = 1;                // model chunks per pipeline rank (interleaved 1F1B)
    bool sequence_parallel = true;  // Megatron SP: norms/dropout sharded over TP, all-gather + reduce-scatter
    CpKind cp_kind = CpKind::ring;

    [[nodiscard]] int32_t gpus() const { return tp * cp * dp * pp; }
    [[nodiscard]] bool sp() const { return sequence_parallel && tp > 1; }
    [[nodiscard]] InferenceParallel sharding() const { return InferenceParallel{tp, pp, ep}; }
};

// One micro-batch and the software choices that change its work.
struct TrainingShape {
    int32_t micro_batch = 1;  // sequences
    int64_t seq_len = 2048;
    AttentionImpl attention = AttentionImpl::flash;
    bool dropout = false;            // hidden + attention dropout (GPT/Megatron default 0.1; none in Llama recipes)
    double capacity_factor = 1.0;    // MoE: expert work is padded to capacity_factor x the balanced load
    bool grad_accum_fusion = true;   // wgrad GEMMs accumulate straight into the gradient buffer
    DType grad_dtype = DType::fp32;  // gradient buffer (Megatron main_grad)

    [[nodiscard]] int64_t local_tokens(const TrainingParallel& p) const { return micro_batch * seq_len / p.cp; }
};

struct TrainingOp {
    Op op;
    CommAxis axis = CommAxis::none;  // collectives: the parallel group they run on
    bool attention_core = false;     // rerun by selective recomputation
};

struct TrainingLayerOps {
    std::vector<TrainingOp> forward;   // one layer
    std::vector<TrainingOp> backward;  // one layer: data and weight gradients, element-wise backward, collectives
};

struct TrainingEdgeOps {
    std::vector<TrainingOp> first_forward;  // embedding (first pipeline stage)
    std::vector<TrainingOp> first_backward;
    std::vector<TrainingOp> last_forward;  // final norm, LM head, cross-entropy (last stage)
    std::vector<TrainingOp> last_backward;
};

// Throws UsageError when the split does not fit the model (TP vs heads, EP vs experts, CP/Ulysses vs heads).
ShardShape shard_for_training(const ModelSpec& model, const TrainingParallel& par);

TrainingLayerOps build_training_layer_ops(const ModelSpec& model, const ShardShape& shard, const TrainingParallel& par,
                                          const Precision& prec, const TrainingShape& shape);
TrainingEdgeOps build_training_edge_ops(const ModelSpec& model, const ShardShape& shard, const TrainingParallel& par,
                                        const Precision& prec, const TrainingShape& shape);

// Parameters one GPU holds, split by how they are sharded: dense ones over TP, expert ones over TP x EP.
struct TrainingParams {
    double dense_per_layer = 0;   // attention, norms, router, dense MLP
    double expert_per_layer = 0;  // routed and shared experts (0 for dense models)
    double embedding = 0;         // word (+ position) embedding, first stage
    double lm_head = 0;           // output layer (+ final norm), last stage; a tied copy when stages differ
};
TrainingParams training_params_per_gpu(const ModelSpec& model, const ShardShape& shard, const TrainingParallel& par);

// Bytes kept for backward by one layer for one micro-batch (Korthikanti et al. 2022, section 4, generalised to
// GQA, gated MLPs, flash attention and context parallelism).
struct LayerActivations {
    double full_bytes = 0;            // no recomputation
    double selective_bytes = 0;       // attention core recomputed
    double input_bytes = 0;           // full recomputation keeps only the layer input
    double attention_core_bytes = 0;  // what selective recomputation drops
};
LayerActivations layer_activation_bytes(const ModelSpec& model, const ShardShape& shard, const TrainingParallel& par,
                                        const Precision& prec, const TrainingShape& shape);
double stored_activation_bytes(const LayerActivations& a, Recompute r);

// FLOPs per token under the convention of Narayanan et al. (SC'21) and PaLM: GEMMs as 2 x parameters, attention
// over the full s x s score matrix (causal masking not subtracted), backward = 2 x forward.
struct TrainingFlops {
    double model_per_token = 0;      // forward + backward of the active model, LM head included
    double recompute_per_token = 0;  // what the recompute mode adds (forward of layers, or attention core)
};
TrainingFlops training_flops_per_token(const ModelSpec& model, int64_t seq_len, Recompute r);

}  // namespace llmsim::models
