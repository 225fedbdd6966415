#include "models/model_spec.hpp"

#include "common/error.hpp"

namespace llmsim::models {

int64_t ModelSpec::attention_params_per_layer() const {
    const int64_t qkv = hidden_size * (q_dim() + 2 * kv_dim());
    const int64_t o = q_dim() * hidden_size;
    const int64_t bias = attention_bias ? (q_dim() + 2 * kv_dim() + hidden_size) : 0;
    return qkv + o + bias;
}

namespace {
int64_t one_mlp_params(const ModelSpec& m, int64_t intermediate) {
    const int64_t up = m.hidden_size * intermediate * (m.mlp == MlpKind::gated ? 2 : 1);
    const int64_t down = intermediate * m.hidden_size;
    const int64_t bias = m.mlp_bias ? intermediate * (m.mlp == MlpKind::gated ? 2 : 1) + m.hidden_size : 0;
    return up + down + bias;
}
}  // namespace

int64_t ModelSpec::mlp_params_per_layer() const {
    if (!moe.enabled()) return one_mlp_params(*this, intermediate_size);
    const int64_t router = hidden_size * moe.num_experts;
    return router + (moe.num_experts + moe.shared_experts) * one_mlp_params(*this, moe.expert_intermediate);
}

int64_t ModelSpec::active_mlp_params_per_layer() const {
    if (!moe.enabled()) return mlp_params_per_layer();
    const int64_t router = hidden_size * moe.num_experts;
    return router + (moe.top_k + moe.shared_experts) * one_mlp_params(*this, moe.expert_intermediate);
}

int64_t ModelSpec::norm_params_per_layer() const {
    const int64_t per_norm = hidden_size * (norm == NormKind::layernorm ? 2 : 1);
    return per_norm * norms_per_layer;
}

int64_t ModelSpec::embedding_params() const {
    return vocab_size * hidden_size + (position == PositionKind::learned ? max_position * hidden_size : 0);
}

int64_t ModelSpec::lm_head_params() const {
    return tied_embeddings ? 0 : vocab_size * hidden_size;
}

int64_t ModelSpec::param_count() const {
    const int64_t per_layer = attention_params_per_layer() + mlp_params_per_layer() + norm_params_per_layer();
    const int64_t final_norm = hidden_size * (norm == NormKind::layernorm ? 2 : 1);
    return num_layers * per_layer + embedding_params() + lm_head_params() + final_norm;
}

int64_t ModelSpec::active_param_count() const {
    const int64_t per_layer = attention_params_per_layer() + active_mlp_params_per_layer() + norm_params_per_layer();
    return num_layers * per_layer + embedding_params() + lm_head_params();
}

void ModelSpec::validate(const std::string& where) const {
    auto require_positive = [&](int64_t v, const char* name) {
        if (v <= 0) throw InputError(where, std::string(name) + " must be > 0, got " + std::to_string(v));
    };
    require_positive(num_layers, "num_layers");
    require_positive(hidden_size, "hidden_size");
    require_positive(num_heads, "num_attention_heads");
    require_positive(num_kv_heads, "num_key_value_heads");
    require_positive(head_dim, "head_dim");
    require_positive(vocab_size, "vocab_size");
    if (!moe.enabled()) require_positive(intermediate_size, "intermediate_size");
    if (num_heads % num_kv_heads != 0) {
        throw InputError(where, "num_attention_heads (" + std::to_string(num_heads) +
                                    ") must be a multiple of num_key_value_heads (" + std::to_string(num_kv_heads) +
                                    ")");
    }
    if (moe.enabled()) {
        require_positive(moe.top_k, "num_experts_per_tok");
        require_positive(moe.expert_intermediate, "moe intermediate size");
        if (moe.top_k > moe.num_experts) {
            throw InputError(where, "num_experts_per_tok (" + std::to_string(moe.top_k) + ") exceeds num_experts (" +
                                        std::to_string(moe.num_experts) + ")");
        }
    }
}

std::string_view mlp_kind_name(MlpKind k) {
    return k == MlpKind::gated ? "gated" : "plain";
}

std::string_view activation_name(Activation a) {
    switch (a) {
        case Activation::silu:
            return "silu";
        case Activation::gelu:
            return "gelu";
        case Activation::relu:
            return "relu";
    }
    return "?";
}

}  // namespace llmsim::models
