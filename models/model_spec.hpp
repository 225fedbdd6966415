#pragma once
// Architecture of a transformer LLM: the numbers that determine FLOPs, bytes moved and memory. No weights.
#include <cstdint>
#include <string>
#include <string_view>

namespace llmsim::models {

enum class MlpKind { gated, plain };  // gated: SwiGLU/GeGLU with fused gate+up; plain: up -> act -> down
enum class Activation { silu, gelu, relu };
enum class NormKind { rmsnorm, layernorm };
enum class PositionKind { rope, alibi, learned };

struct MoeSpec {
    int32_t num_experts = 0;          // 0 = dense model
    int32_t top_k = 0;                // experts per token
    int64_t expert_intermediate = 0;  // intermediate size of one expert
    int32_t shared_experts = 0;       // always-on experts (DeepSeek/Qwen-MoE style)
    [[nodiscard]] bool enabled() const { return num_experts > 0; }
};

struct ModelSpec {
    std::string id;      // preset id, or the config path for imported models
    std::string family;  // llama, mistral, mixtral, qwen2, gpt2, gptj, gpt_neox, opt, falcon, phi, bloom, gpt3
    std::string source;  // where the architecture numbers come from
    int32_t num_layers = 0;
    int64_t hidden_size = 0;
    int32_t num_heads = 0;
    int32_t num_kv_heads = 0;  // == num_heads for MHA, 1 for MQA, in between for GQA
    int32_t head_dim = 0;
    int64_t intermediate_size = 0;  // dense MLP width (per expert for MoE: see moe.expert_intermediate)
    int64_t vocab_size = 0;
    int64_t max_position = 0;
    MlpKind mlp = MlpKind::gated;
    Activation activation = Activation::silu;
    NormKind norm = NormKind::rmsnorm;
    PositionKind position = PositionKind::rope;
    bool parallel_residual = false;  // attention and MLP read the same input (GPT-J, NeoX, Falcon): one all-reduce
    int32_t norms_per_layer = 2;     // GPT-J and Phi share one norm between attention and MLP
    int32_t rotary_dim = 0;          // rotary dimensions per head (partial rotary); 0 = head_dim
    bool attention_bias = false;     // bias on QKV/O projections
    bool mlp_bias = false;
    bool tied_embeddings = false;
    int32_t sliding_window = 0;  // 0 = full attention
    MoeSpec moe;

    [[nodiscard]] int64_t q_dim() const { return static_cast<int64_t>(num_heads) * head_dim; }
    [[nodiscard]] int64_t kv_dim() const { return static_cast<int64_t>(num_kv_heads) * head_dim; }
    [[nodiscard]] int64_t attention_params_per_layer() const;
    [[nodiscard]] int64_t mlp_params_per_layer() const;         // all experts for MoE
    [[nodiscard]] int64_t active_mlp_params_per_layer() const;  // top-k experts for MoE
    [[nodiscard]] int64_t norm_params_per_layer() const;
    [[nodiscard]] int64_t embedding_params() const;  // input embedding (+ learned positions)
    [[nodiscard]] int64_t lm_head_params() const;    // 0 when tied
    [[nodiscard]] int64_t param_count() const;
    [[nodiscard]] int64_t active_param_count() const;  // parameters touched per token (MoE: top-k experts)

    // Throws InputError(where, ...) when the numbers are inconsistent (zero sizes, heads not divisible, ...).
    void validate(const std::string& where) const;
};

std::string_view mlp_kind_name(MlpKind k);
std::string_view activation_name(Activation a);

}  // namespace llmsim::models
