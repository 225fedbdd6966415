#include "models/model_spec.hpp"

#include <algorithm>

#include "common/error.hpp"

namespace llmsim::models {

int64_t ModelSpec::attention_params_per_layer() const {
    if (mla.enabled()) {
        const int64_t qk_head = mla.qk_nope_head_dim + mla.qk_rope_head_dim;
        const int64_t q = mla.q_lora_rank > 0 ? static_cast<int64_t>(mla.q_lora_rank) * num_heads * qk_head
                                              : hidden_size * num_heads * qk_head;
        const int64_t kv_b = static_cast<int64_t>(mla.kv_lora_rank) * num_heads *
                             (mla.qk_nope_head_dim + mla.v_head_dim);  // latent -> per-head K (no rope part) and V
        const int64_t o = static_cast<int64_t>(num_heads) * mla.v_head_dim * hidden_size;
        return attention_replicated_params_per_layer() + q + kv_b + o;
    }
    const int64_t qkv = hidden_size * (q_dim() + 2 * kv_dim());
    const int64_t o = q_dim() * hidden_size;
    const int64_t bias = attention_bias ? (q_dim() + 2 * kv_dim() + hidden_size) : 0;
    return qkv + o + bias;
}

int64_t ModelSpec::attention_replicated_params_per_layer() const {
    if (!mla.enabled()) return 0;
    // Down-projections to the query latent and to the KV latent plus the shared rope key, each with its norm.
    const int64_t q_a = mla.q_lora_rank > 0 ? hidden_size * mla.q_lora_rank + mla.q_lora_rank : 0;
    const int64_t kv_a = hidden_size * mla.latent_dim() + mla.kv_lora_rank;
    return q_a + kv_a;
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

int64_t ModelSpec::dense_mlp_params_per_layer() const {
    return one_mlp_params(*this, intermediate_size);
}

int64_t ModelSpec::norm_params_per_layer() const {
    const int64_t per_norm = hidden_size * (norm == NormKind::layernorm ? 2 : 1);
    const int64_t qk = qk_norm == QkNorm::rms ? 2 * static_cast<int64_t>(head_dim) : 0;  // one weight per head dim
    return per_norm * norms_per_layer + qk;
}

int64_t ModelSpec::embedding_params() const {
    return vocab_size * hidden_size + (position == PositionKind::learned ? max_position * hidden_size : 0);
}

int64_t ModelSpec::lm_head_params() const {
    return tied_embeddings ? 0 : vocab_size * hidden_size;
}

int64_t ModelSpec::param_count() const {
    const int64_t moe_layers = moe_layers_in(0, num_layers);
    const int64_t mlp = moe_layers * mlp_params_per_layer() + (num_layers - moe_layers) * dense_mlp_params_per_layer();
    const int64_t per_layer = attention_params_per_layer() + norm_params_per_layer();
    const int64_t final_norm = hidden_size * (norm == NormKind::layernorm ? 2 : 1);
    return num_layers * per_layer + mlp + embedding_params() + lm_head_params() + final_norm;
}

int64_t ModelSpec::active_param_count() const {
    const int64_t moe_layers = moe_layers_in(0, num_layers);
    const int64_t mlp =
        moe_layers * active_mlp_params_per_layer() + (num_layers - moe_layers) * dense_mlp_params_per_layer();
    const int64_t per_layer = attention_params_per_layer() + norm_params_per_layer();
    return num_layers * per_layer + mlp + embedding_params() + lm_head_params();
}

bool ModelSpec::is_moe_layer(int32_t layer) const {
    if (!moe.enabled() || layer < moe.first_dense_layers || (layer + 1) % moe.layer_step != 0) return false;
    return std::find(moe.dense_layers.begin(), moe.dense_layers.end(), layer) == moe.dense_layers.end();
}

bool ModelSpec::is_local_attention_layer(int32_t layer) const {
    return local_attention.enabled() && (layer + 1) % local_attention.global_every != 0;
}

int32_t ModelSpec::moe_layers_in(int32_t first, int32_t count) const {
    if (!moe.enabled()) return 0;
    int32_t n = 0;
    for (int32_t i = first; i < first + count; ++i)
        n += is_moe_layer(i) ? 1 : 0;
    return n;
}

int32_t ModelSpec::local_attention_layers_in(int32_t first, int32_t count) const {
    int32_t n = 0;
    for (int32_t i = first; i < first + count && local_attention.enabled(); ++i)
        n += is_local_attention_layer(i) ? 1 : 0;
    return n;
}

bool ModelSpec::mixes_mlp_layers() const {
    return moe.enabled() && moe_layers_in(0, num_layers) != num_layers;
}

int64_t ModelSpec::kv_elements_per_token_per_layer() const {
    return mla.enabled() ? mla.latent_dim() : 2 * kv_dim();
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
    if (!moe.enabled() || mixes_mlp_layers()) require_positive(intermediate_size, "intermediate_size");
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
        require_positive(moe.layer_step, "MoE layer step");
        if (moe_layers_in(0, num_layers) == 0) throw InputError(where, "no layer is an MoE layer");
    }
    if (mla.enabled()) {
        require_positive(mla.qk_nope_head_dim, "qk_nope_head_dim");
        require_positive(mla.qk_rope_head_dim, "qk_rope_head_dim");
        require_positive(mla.v_head_dim, "v_head_dim");
        if (head_dim != mla.qk_nope_head_dim + mla.qk_rope_head_dim) {
            throw InputError(
                where, "MLA head_dim must be qk_nope_head_dim + qk_rope_head_dim, got " + std::to_string(head_dim));
        }
    }
    if (local_attention.enabled()) {
        require_positive(local_attention.global_every, "global attention layer period");
        if (sliding_window > 0) throw InputError(where, "a model has either a window on every layer or local layers");
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
