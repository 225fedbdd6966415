#pragma once
// Architecture of a transformer LLM: the numbers that determine FLOPs, bytes moved and memory. No weights.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

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
    // Which layers are MoE (the others are dense MLPs of ModelSpec::intermediate_size): layer i (0-based) is MoE
    // when i >= first_dense_layers, (i + 1) % layer_step == 0 and i is not in dense_layers.
    int32_t first_dense_layers = 0;     // DeepSeek first_k_dense_replace
    int32_t layer_step = 1;             // Qwen decoder_sparse_step, Llama 4 interleave_moe_layer_step
    std::vector<int32_t> dense_layers;  // Qwen mlp_only_layers
    [[nodiscard]] bool enabled() const { return num_experts > 0; }
};

// Multi-head latent attention (DeepSeek-V2/V3): K and V are compressed into one latent vector per token, which is
// what the KV cache holds.
struct MlaSpec {
    int32_t q_lora_rank = 0;  // 0 = plain query projection (DeepSeek-V2-Lite)
    int32_t kv_lora_rank = 0;
    int32_t qk_nope_head_dim = 0;
    int32_t qk_rope_head_dim = 0;
    int32_t v_head_dim = 0;
    [[nodiscard]] bool enabled() const { return kv_lora_rank > 0; }
    [[nodiscard]] int32_t latent_dim() const { return kv_lora_rank + qk_rope_head_dim; }  // cached per token, layer
};

// Layers that attend to a bounded span interleaved with global layers (Gemma 2/3 sliding windows, Llama 4 chunked
// attention). Layer i is global when (i + 1) % global_every == 0, local otherwise.
struct LocalAttentionSpec {
    int32_t window = 0;        // tokens a local layer sees (sliding) or its chunk size (chunked); 0 = no local layers
    bool chunked = false;      // keys from the query's own fixed-size chunk only (Llama 4)
    int32_t global_every = 0;  // 0 with window > 0 would mean every layer is local: use ModelSpec::sliding_window
    [[nodiscard]] bool enabled() const { return window > 0; }
};

enum class QkNorm { none, rms, l2 };  // per-head norm of queries and keys: rms has a weight per head dim, l2 none

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
    int32_t sliding_window = 0;  // every layer's window; 0 = full attention
    MoeSpec moe;
    MlaSpec mla;
    LocalAttentionSpec local_attention;
    QkNorm qk_norm = QkNorm::none;

    [[nodiscard]] int64_t q_dim() const { return static_cast<int64_t>(num_heads) * head_dim; }
    [[nodiscard]] int64_t kv_dim() const { return static_cast<int64_t>(num_kv_heads) * head_dim; }
    [[nodiscard]] int64_t attention_params_per_layer() const;
    // Part of the attention weights every TP rank holds whole (MLA's down-projections and their norms).
    [[nodiscard]] int64_t attention_replicated_params_per_layer() const;
    [[nodiscard]] int64_t mlp_params_per_layer() const;         // all experts for MoE (an MoE layer's MLP)
    [[nodiscard]] int64_t active_mlp_params_per_layer() const;  // top-k experts for MoE
    [[nodiscard]] int64_t dense_mlp_params_per_layer() const;   // the MLP of a dense layer
    [[nodiscard]] int64_t norm_params_per_layer() const;
    [[nodiscard]] int64_t embedding_params() const;  // input embedding (+ learned positions)
    [[nodiscard]] int64_t lm_head_params() const;    // 0 when tied
    [[nodiscard]] int64_t param_count() const;
    [[nodiscard]] int64_t active_param_count() const;  // parameters touched per token (MoE: top-k experts)

    [[nodiscard]] bool is_moe_layer(int32_t layer) const;
    [[nodiscard]] bool is_local_attention_layer(int32_t layer) const;
    [[nodiscard]] int32_t moe_layers_in(int32_t first, int32_t count) const;
    [[nodiscard]] int32_t local_attention_layers_in(int32_t first, int32_t count) const;
    // Layers differ in their MLP (some dense, some MoE) or in their attention span (local and global).
    [[nodiscard]] bool mixes_mlp_layers() const;
    [[nodiscard]] bool mixes_attention_layers() const { return local_attention.enabled(); }
    // K/V (or MLA latent) elements one layer caches per token for the whole model (before TP sharding).
    [[nodiscard]] int64_t kv_elements_per_token_per_layer() const;

    // Throws InputError(where, ...) when the numbers are inconsistent (zero sizes, heads not divisible, ...).
    void validate(const std::string& where) const;
};

std::string_view mlp_kind_name(MlpKind k);
std::string_view activation_name(Activation a);

}  // namespace llmsim::models
