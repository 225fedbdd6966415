#include "models/hf_config.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "common/bounded.hpp"
#include "common/error.hpp"
#include "common/limits.hpp"
#include "common/nearest.hpp"
#include "common/strings.hpp"

namespace llmsim::models {
namespace {

// Reads fields by one of several names (families spell the same thing differently).
class Fields {
  public:
    // `pointer` is where `j` sits in the file ("" for the top level, "/text_config" for a nested text model).
    Fields(const Json& j, std::string name, std::string pointer = "")
        : j_(j), name_(std::move(name)), pointer_(std::move(pointer)) {}

    [[nodiscard]] const Json* find(std::initializer_list<const char*> keys) const {
        for (const char* k : keys) {
            auto it = j_.find(k);
            if (it != j_.end() && !it->is_null()) return &*it;
        }
        return nullptr;
    }
    int64_t integer(std::initializer_list<const char*> keys) const {
        const Json* v = find(keys);
        if (v == nullptr) {
            throw InputError(at(*keys.begin()), "missing required field '" + std::string(*keys.begin()) + "'" +
                                                    (keys.size() > 1 ? " (or an alias)" : ""));
        }
        return as_int(*v, *keys.begin());
    }
    // A list of non-negative integers (empty when absent).
    std::vector<int32_t> integers_or_empty(const char* key) const {
        const Json* v = find({key});
        std::vector<int32_t> out;
        if (v == nullptr) return out;
        if (!v->is_array()) throw bad(key, *v, "a list of integers");
        for (const auto& e : *v)
            out.push_back(static_cast<int32_t>(as_int(e, key)));
        return out;
    }
    // The JSON pointer of `key`, prefixed by the file name: what error messages name.
    [[nodiscard]] std::string at(const std::string& key) const { return name_ + "#" + pointer_ + "/" + key; }
    int64_t integer_or(std::initializer_list<const char*> keys, int64_t fallback) const {
        const Json* v = find(keys);
        return v == nullptr ? fallback : as_int(*v, *keys.begin());
    }
    double number_or(std::initializer_list<const char*> keys, double fallback) const {
        const Json* v = find(keys);
        if (v == nullptr) return fallback;
        if (!v->is_number()) throw bad(*keys.begin(), *v, "a number");
        return v->get<double>();
    }
    bool flag_or(std::initializer_list<const char*> keys, bool fallback) const {
        const Json* v = find(keys);
        if (v == nullptr) return fallback;
        if (!v->is_boolean()) throw bad(*keys.begin(), *v, "true or false");
        return v->get<bool>();
    }
    std::string text_or(std::initializer_list<const char*> keys, const std::string& fallback) const {
        const Json* v = find(keys);
        if (v == nullptr) return fallback;
        if (!v->is_string()) throw bad(*keys.begin(), *v, "a string");
        return v->get<std::string>();
    }
    [[nodiscard]] const std::string& name() const { return name_; }
    [[nodiscard]] const Json& json() const { return j_; }

  private:
    // Every architecture integer is held to [0, kMaxModelDim], so the int32 fields (layers, heads) and the int64
    // products of widths (weights, FLOPs) cannot wrap: `num_hidden_layers: 4294967298` is refused, not 2 layers.
    int64_t as_int(const Json& v, const char* key) const {
        constexpr double kMax = static_cast<double>(limits::kMaxModelDim);
        if (v.is_number_unsigned() || v.is_number_integer() || v.is_number_float()) {
            const double d = v.get<double>();
            if (d >= 0 && d <= kMax && d == std::floor(d)) return static_cast<int64_t>(d);
        }
        throw bad(key, v, ("an integer from 0 to " + std::to_string(limits::kMaxModelDim)).c_str());
    }
    InputError bad(const char* key, const Json& v, const char* expected) const {
        return InputError(at(key), "bad value " + clip_for_message(v.dump()) + " (expected " + expected + ")");
    }
    const Json& j_;
    std::string name_;
    std::string pointer_;
};

Activation activation_of(const std::string& act, const std::string& where) {
    const std::string a = to_lower(act);
    if (a == "silu" || a == "swish" || a == "swiglu") return Activation::silu;
    if (a.rfind("gelu", 0) == 0) return Activation::gelu;
    if (a == "relu") return Activation::relu;
    throw InputError(where + "#/hidden_act", "unsupported activation '" + act + "' (expected silu, gelu*, relu)");
}

// `default_vocab` > 0 stands in for a missing vocab_size (nested text configs that rely on the family's default).
void common_llama_fields(ModelSpec& m, const Fields& f, int64_t default_vocab = 0) {
    m.num_layers = static_cast<int32_t>(f.integer({"num_hidden_layers"}));
    m.hidden_size = f.integer({"hidden_size"});
    m.num_heads = static_cast<int32_t>(f.integer({"num_attention_heads"}));
    m.num_kv_heads = static_cast<int32_t>(f.integer_or({"num_key_value_heads"}, m.num_heads));
    m.head_dim = static_cast<int32_t>(f.integer_or({"head_dim"}, m.num_heads > 0 ? m.hidden_size / m.num_heads : 0));
    m.intermediate_size = f.integer_or({"intermediate_size"}, 0);
    m.vocab_size = default_vocab > 0 ? f.integer_or({"vocab_size"}, default_vocab) : f.integer({"vocab_size"});
    m.max_position = f.integer_or({"max_position_embeddings"}, 4096);
    m.tied_embeddings = f.flag_or({"tie_word_embeddings"}, false);
    m.activation = activation_of(f.text_or({"hidden_act"}, "silu"), f.name());
}

// Query heads must split evenly over KV heads; say which field is wrong.
void check_heads(const ModelSpec& m, const Fields& f) {
    if (m.num_heads > 0 && m.num_kv_heads > 0 && m.num_heads % m.num_kv_heads != 0) {
        throw InputError(f.at("num_key_value_heads"), "bad value " + std::to_string(m.num_kv_heads) +
                                                          " (expected a divisor of num_attention_heads " +
                                                          std::to_string(m.num_heads) + ")");
    }
}

// Layer i is global when (i + 1) % period == 0: read from an explicit per-layer list where the config has one.
// `is_global` tells whether one entry of the list marks a global layer.
template <class IsGlobal>
int32_t global_period_of(const Fields& f, const char* key, int32_t layers, int32_t fallback, IsGlobal is_global) {
    const Json* list = f.find({key});
    if (list == nullptr || !list->is_array() || list->empty()) return fallback;
    if (static_cast<int32_t>(list->size()) != layers) {
        throw InputError(f.at(key), "has " + std::to_string(list->size()) + " entries (expected one per layer, " +
                                        std::to_string(layers) + ")");
    }
    int32_t period = 0;
    for (int32_t i = 0; i < layers && period == 0; ++i)
        period = is_global((*list)[static_cast<size_t>(i)]) ? i + 1 : 0;
    if (period == 0) return 0;  // no global layer
    for (int32_t i = 0; i < layers; ++i) {
        if (is_global((*list)[static_cast<size_t>(i)]) != ((i + 1) % period == 0)) {
            throw InputError(f.at(key) + "/" + std::to_string(i), "layer pattern is not periodic (expected every " +
                                                                      std::to_string(period) +
                                                                      "th layer global, as in the released models)");
        }
    }
    return period;
}

// Gemma 2 / Gemma 3 text: GeGLU MLP, explicit head_dim, tied embeddings, four norms per layer, sliding-window layers
// interleaved with global ones.
void gemma_fields(ModelSpec& m, const Fields& f, const std::string& type) {
    const bool gemma3 = type != "gemma2";
    common_llama_fields(m, f, gemma3 ? 262208 : 0);  // Gemma3TextConfig's default vocabulary
    m.activation = activation_of(f.text_or({"hidden_activation", "hidden_act"}, "gelu_pytorch_tanh"), f.name());
    m.tied_embeddings = f.flag_or({"tie_word_embeddings"}, true);
    m.norms_per_layer = 4;
    m.attention_bias = f.flag_or({"attention_bias"}, false);
    if (gemma3) m.qk_norm = QkNorm::rms;
    m.local_attention.window = static_cast<int32_t>(f.integer_or({"sliding_window"}, gemma3 ? 4096 : 0));
    if (m.local_attention.window == 0) throw InputError(f.at("sliding_window"), "missing (expected the local window)");
    const int32_t fallback = gemma3 ? static_cast<int32_t>(f.integer_or({"sliding_window_pattern"}, 6)) : 2;
    m.local_attention.global_every = global_period_of(f, "layer_types", m.num_layers, fallback, [](const Json& e) {
        return e.is_string() && e.get<std::string>() == "full_attention";
    });
    if (m.local_attention.global_every <= 0) {
        throw InputError(f.at(gemma3 ? "sliding_window_pattern" : "layer_types"),
                         "expected global layers interleaved with sliding-window ones");
    }
}

// DeepSeek-V2/V3: multi-head latent attention and fine-grained MoE whose first layers are dense. The multi-token
// prediction layers (num_nextn_predict_layers) are a training/speculation head, not part of the serving forward pass.
void deepseek_fields(ModelSpec& m, const Fields& f) {
    common_llama_fields(m, f);
    m.mla.q_lora_rank = static_cast<int32_t>(f.integer_or({"q_lora_rank"}, 0));
    m.mla.kv_lora_rank = static_cast<int32_t>(f.integer({"kv_lora_rank"}));
    m.mla.qk_nope_head_dim = static_cast<int32_t>(f.integer({"qk_nope_head_dim"}));
    m.mla.qk_rope_head_dim = static_cast<int32_t>(f.integer({"qk_rope_head_dim"}));
    m.mla.v_head_dim = static_cast<int32_t>(f.integer({"v_head_dim"}));
    for (const char* key : {"kv_lora_rank", "qk_nope_head_dim", "qk_rope_head_dim", "v_head_dim"}) {
        if (f.integer({key}) == 0) throw InputError(f.at(key), "bad value 0 (expected a positive integer)");
    }
    // Query/key heads are nope + rope wide (the config's own head_dim, where present, is the rope part).
    m.head_dim = m.mla.qk_nope_head_dim + m.mla.qk_rope_head_dim;
    m.num_kv_heads = m.num_heads;  // up-projected K/V are per head; the cache holds the shared latent
    const int64_t routed = f.integer_or({"n_routed_experts"}, 0);
    if (routed > 0) {
        m.moe.num_experts = static_cast<int32_t>(routed);
        m.moe.top_k = static_cast<int32_t>(f.integer({"num_experts_per_tok"}));
        m.moe.expert_intermediate = f.integer({"moe_intermediate_size"});
        m.moe.shared_experts = static_cast<int32_t>(f.integer_or({"n_shared_experts"}, 0));
        m.moe.first_dense_layers = static_cast<int32_t>(f.integer_or({"first_k_dense_replace"}, 0));
        if (f.integer_or({"moe_layer_freq"}, 1) != 1) {
            throw InputError(f.at("moe_layer_freq"), "only 1 is supported (every layer after the dense ones)");
        }
    }
}

// Llama 4 text model: MoE (routed top-k plus one shared expert) interleaved with dense layers, chunked local
// attention with every n-th layer global (no RoPE there), L2 query/key norm.
void llama4_fields(ModelSpec& m, const Fields& f) {
    common_llama_fields(m, f);
    m.moe.num_experts = static_cast<int32_t>(f.integer({"num_local_experts"}));
    m.moe.top_k = static_cast<int32_t>(f.integer({"num_experts_per_tok"}));
    m.moe.expert_intermediate = f.integer({"intermediate_size"});
    m.moe.shared_experts = 1;
    m.moe.layer_step = static_cast<int32_t>(f.integer_or({"interleave_moe_layer_step"}, 1));
    if (m.moe.layer_step == 0) throw InputError(f.at("interleave_moe_layer_step"), "bad value 0 (expected >= 1)");
    const std::vector<int32_t> moe_layers = f.integers_or_empty("moe_layers");
    if (!moe_layers.empty()) {  // an explicit list overrides the step
        m.moe.layer_step = 1;
        for (int32_t i = 0; i < m.num_layers; ++i) {
            if (std::find(moe_layers.begin(), moe_layers.end(), i) == moe_layers.end()) m.moe.dense_layers.push_back(i);
        }
    }
    m.intermediate_size = f.integer_or({"intermediate_size_mlp"}, 0);  // dense layers
    if (m.moe.layer_step > 1 || !m.moe.dense_layers.empty()) (void)f.integer({"intermediate_size_mlp"});
    if (f.flag_or({"use_qk_norm"}, false)) m.qk_norm = QkNorm::l2;
    m.local_attention.window = static_cast<int32_t>(f.integer_or({"attention_chunk_size"}, 0));
    m.local_attention.chunked = true;
    if (m.local_attention.window > 0) {
        const int32_t interval = static_cast<int32_t>(f.integer_or({"no_rope_layer_interval"}, 4));
        // no_rope_layers[i] == 0 marks a NoPE layer, which attends globally.
        m.local_attention.global_every =
            global_period_of(f, "no_rope_layers", m.num_layers, interval,
                             [](const Json& e) { return e.is_number_integer() && e.get<int64_t>() == 0; });
        if (m.local_attention.global_every == 0) m.local_attention = LocalAttentionSpec{};  // every layer global
    }
}

// Multimodal configs (Gemma 3, Llama 4) nest the language model under text_config.
const Json* text_config_of(const Json& config) {
    auto it = config.find("text_config");
    return it != config.end() && it->is_object() ? &*it : nullptr;
}

}  // namespace

std::vector<std::string> supported_hf_model_types() {
    return {"llama",       "mistral", "mixtral", "qwen2",       "qwen2_moe", "qwen3",       "qwen3_moe", "deepseek_v2",
            "deepseek_v3", "gemma2",  "gemma3",  "gemma3_text", "llama4",    "llama4_text", "gpt2",      "gptj",
            "gpt_neox",    "opt",     "falcon",  "phi",         "phi3",      "bloom"};
}

ModelSpec import_hf_config_json(const Json& config, const std::string& name) {
    if (!config.is_object()) throw InputError(name, "expected a JSON object (a Hugging Face config.json)");
    const Fields top(config, name);
    std::string type = to_lower(top.text_or({"model_type"}, ""));
    // A multimodal wrapper's architecture is its text model's.
    const Json* text = (type == "gemma3" || type == "llama4") ? text_config_of(config) : nullptr;
    const Fields f = text != nullptr ? Fields(*text, name, "/text_config") : Fields(config, name);
    if (type == "refinedweb" || type == "refinedwebmodel") type = "falcon";
    if (type.empty()) {
        throw InputError(name + "#/model_type",
                         "missing 'model_type' (supported: " + join(supported_hf_model_types(), ", ") + ")");
    }
    ModelSpec m;
    m.id = name;
    m.source = "Hugging Face config.json: " + name;
    m.family = type;

    if (type == "qwen3" || type == "qwen3_moe") {
        // Qwen3: per-head RMS norm of queries and keys, no QKV bias, head_dim may differ from hidden / heads.
        common_llama_fields(m, f);
        m.qk_norm = QkNorm::rms;
        m.attention_bias = f.flag_or({"attention_bias"}, false);
        if (f.flag_or({"use_sliding_window"}, false)) {
            m.sliding_window = static_cast<int32_t>(f.integer_or({"sliding_window"}, 0));
        }
        if (type == "qwen3_moe") {
            m.moe.num_experts = static_cast<int32_t>(f.integer({"num_experts"}));
            m.moe.top_k = static_cast<int32_t>(f.integer({"num_experts_per_tok"}));
            m.moe.expert_intermediate = f.integer({"moe_intermediate_size"});
            m.moe.layer_step = static_cast<int32_t>(f.integer_or({"decoder_sparse_step"}, 1));
            if (m.moe.layer_step == 0) throw InputError(f.at("decoder_sparse_step"), "bad value 0 (expected >= 1)");
            m.moe.dense_layers = f.integers_or_empty("mlp_only_layers");
        }
        check_heads(m, f);
    } else if (type == "deepseek_v2" || type == "deepseek_v3") {
        deepseek_fields(m, f);
        check_heads(m, f);
    } else if (type == "gemma2" || type == "gemma3" || type == "gemma3_text") {
        gemma_fields(m, f, type);
        check_heads(m, f);
    } else if (type == "llama4" || type == "llama4_text") {
        llama4_fields(m, f);
        check_heads(m, f);
    } else if (type == "llama" || type == "mistral" || type == "mixtral" || type == "qwen2" || type == "qwen2_moe" ||
               type == "phi3") {
        common_llama_fields(m, f);
        if (type == "mistral" || type == "qwen2") {
            const bool use_window = type == "mistral" || f.flag_or({"use_sliding_window"}, false);
            if (use_window) m.sliding_window = static_cast<int32_t>(f.integer_or({"sliding_window"}, 0));
        }
        if (type == "qwen2" || type == "qwen2_moe") m.attention_bias = true;
        m.attention_bias = f.flag_or({"attention_bias"}, m.attention_bias);
        m.mlp_bias = f.flag_or({"mlp_bias"}, false);
        if (type == "mixtral") {
            m.moe.num_experts = static_cast<int32_t>(f.integer({"num_local_experts"}));
            m.moe.top_k = static_cast<int32_t>(f.integer({"num_experts_per_tok"}));
            m.moe.expert_intermediate = m.intermediate_size;
        }
        if (type == "qwen2_moe") {
            m.moe.num_experts = static_cast<int32_t>(f.integer({"num_experts"}));
            m.moe.top_k = static_cast<int32_t>(f.integer({"num_experts_per_tok"}));
            m.moe.expert_intermediate = f.integer({"moe_intermediate_size"});
            const int64_t shared = f.integer_or({"shared_expert_intermediate_size"}, 0);
            // Model the shared expert as whole experts of the routed size (same FLOPs and bytes).
            if (shared > 0) {
                m.moe.shared_experts = static_cast<int32_t>(
                    std::max<int64_t>(1, (shared + m.moe.expert_intermediate - 1) / m.moe.expert_intermediate));
            }
        }
    } else if (type == "gpt2") {
        m.num_layers = static_cast<int32_t>(f.integer({"n_layer", "num_hidden_layers"}));
        m.hidden_size = f.integer({"n_embd", "hidden_size"});
        m.num_heads = static_cast<int32_t>(f.integer({"n_head", "num_attention_heads"}));
        m.num_kv_heads = m.num_heads;
        m.head_dim = static_cast<int32_t>(m.num_heads > 0 ? m.hidden_size / m.num_heads : 0);
        m.intermediate_size = f.integer_or({"n_inner"}, 4 * m.hidden_size);
        m.vocab_size = f.integer({"vocab_size"});
        m.max_position = f.integer_or({"n_positions", "n_ctx"}, 1024);
        m.mlp = MlpKind::plain;
        m.activation = activation_of(f.text_or({"activation_function"}, "gelu_new"), name);
        m.norm = NormKind::layernorm;
        m.position = PositionKind::learned;
        m.attention_bias = m.mlp_bias = true;
        m.tied_embeddings = f.flag_or({"tie_word_embeddings"}, true);
    } else if (type == "gptj") {
        m.num_layers = static_cast<int32_t>(f.integer({"n_layer"}));
        m.hidden_size = f.integer({"n_embd"});
        m.num_heads = static_cast<int32_t>(f.integer({"n_head"}));
        m.num_kv_heads = m.num_heads;
        m.head_dim = static_cast<int32_t>(m.num_heads > 0 ? m.hidden_size / m.num_heads : 0);
        m.intermediate_size = f.integer_or({"n_inner"}, 4 * m.hidden_size);
        m.vocab_size = f.integer({"vocab_size"});
        m.max_position = f.integer_or({"n_positions"}, 2048);
        m.rotary_dim = static_cast<int32_t>(f.integer_or({"rotary_dim"}, 0));
        m.mlp = MlpKind::plain;
        m.activation = activation_of(f.text_or({"activation_function"}, "gelu_new"), name);
        m.norm = NormKind::layernorm;
        m.parallel_residual = true;
        m.norms_per_layer = 1;
        m.mlp_bias = true;
        m.tied_embeddings = f.flag_or({"tie_word_embeddings"}, false);
    } else if (type == "gpt_neox") {
        common_llama_fields(m, f);
        m.activation = activation_of(f.text_or({"hidden_act"}, "gelu"), name);
        m.mlp = MlpKind::plain;
        m.norm = NormKind::layernorm;
        m.parallel_residual = f.flag_or({"use_parallel_residual"}, true);
        m.rotary_dim = static_cast<int32_t>(std::lround(f.number_or({"rotary_pct"}, 0.25) * m.head_dim));
        m.attention_bias = m.mlp_bias = true;
    } else if (type == "opt") {
        m.num_layers = static_cast<int32_t>(f.integer({"num_hidden_layers"}));
        m.hidden_size = f.integer({"hidden_size"});
        m.num_heads = static_cast<int32_t>(f.integer({"num_attention_heads"}));
        m.num_kv_heads = m.num_heads;
        m.head_dim = static_cast<int32_t>(m.num_heads > 0 ? m.hidden_size / m.num_heads : 0);
        m.intermediate_size = f.integer({"ffn_dim"});
        m.vocab_size = f.integer({"vocab_size"});
        m.max_position = f.integer_or({"max_position_embeddings"}, 2048);
        m.mlp = MlpKind::plain;
        m.activation = activation_of(f.text_or({"activation_function"}, "relu"), name);
        m.norm = NormKind::layernorm;
        m.position = PositionKind::learned;
        m.attention_bias = m.mlp_bias = f.flag_or({"enable_bias"}, true);
        m.tied_embeddings = f.flag_or({"tie_word_embeddings"}, true);
    } else if (type == "falcon") {
        m.num_layers = static_cast<int32_t>(f.integer({"num_hidden_layers", "n_layer"}));
        m.hidden_size = f.integer({"hidden_size"});
        m.num_heads = static_cast<int32_t>(f.integer({"num_attention_heads", "n_head"}));
        const bool new_arch = f.flag_or({"new_decoder_architecture"}, false);
        const bool multi_query = f.flag_or({"multi_query"}, true);
        int64_t kv =
            new_arch ? f.integer_or({"num_kv_heads", "n_head_kv"}, m.num_heads) : (multi_query ? 1 : m.num_heads);
        m.num_kv_heads = static_cast<int32_t>(kv);
        m.head_dim = static_cast<int32_t>(m.num_heads > 0 ? m.hidden_size / m.num_heads : 0);
        m.intermediate_size = f.integer_or({"ffn_hidden_size"}, 4 * m.hidden_size);
        m.vocab_size = f.integer({"vocab_size"});
        m.max_position = f.integer_or({"max_position_embeddings"}, 2048);
        m.mlp = MlpKind::plain;
        m.activation = Activation::gelu;
        m.norm = NormKind::layernorm;
        m.parallel_residual = f.flag_or({"parallel_attn"}, true);
        m.norms_per_layer = new_arch ? 2 : 1;
        m.attention_bias = m.mlp_bias = f.flag_or({"bias"}, false);
        m.position = f.flag_or({"alibi"}, false) ? PositionKind::alibi : PositionKind::rope;
        m.tied_embeddings = f.flag_or({"tie_word_embeddings"}, true);
    } else if (type == "phi") {
        common_llama_fields(m, f);
        m.activation = activation_of(f.text_or({"hidden_act"}, "gelu_new"), name);
        m.mlp = MlpKind::plain;
        m.norm = NormKind::layernorm;
        m.parallel_residual = true;
        m.norms_per_layer = 1;
        m.rotary_dim = static_cast<int32_t>(std::lround(f.number_or({"partial_rotary_factor"}, 0.5) * m.head_dim));
        m.attention_bias = m.mlp_bias = true;
    } else if (type == "bloom") {
        m.num_layers = static_cast<int32_t>(f.integer({"n_layer", "num_hidden_layers"}));
        m.hidden_size = f.integer({"hidden_size", "n_embed"});
        m.num_heads = static_cast<int32_t>(f.integer({"n_head", "num_attention_heads"}));
        m.num_kv_heads = m.num_heads;
        m.head_dim = static_cast<int32_t>(m.num_heads > 0 ? m.hidden_size / m.num_heads : 0);
        m.intermediate_size = 4 * m.hidden_size;
        m.vocab_size = f.integer({"vocab_size"});
        m.max_position = f.integer_or({"seq_length"}, 2048);
        m.mlp = MlpKind::plain;
        m.activation = Activation::gelu;
        m.norm = NormKind::layernorm;
        m.position = PositionKind::alibi;
        m.attention_bias = m.mlp_bias = true;
        m.tied_embeddings = true;
    } else {
        throw InputError(name + "#/model_type", unknown_name_message("model_type", type, supported_hf_model_types()) +
                                                    "; describe the model with a supported family's fields");
    }
    if (m.family == "mistral" && m.moe.enabled()) m.family = "mixtral";
    if (m.family == "gemma3_text") m.family = "gemma3";
    if (m.family == "llama4_text") m.family = "llama4";
    m.validate(name);
    // A context of 0 would surface later as a bad --max-model-len default: blame the file's key instead.
    if (m.max_position < 1) {
        throw InputError(
            f.at(f.find({"max_position_embeddings"}) != nullptr ? "max_position_embeddings" : "n_positions"),
            "must be >= 1, got " + std::to_string(m.max_position));
    }
    return m;
}

ModelSpec import_hf_config(const std::string& path) {
    return import_hf_config_json(load_json_file(path), path);
}

}  // namespace llmsim::models
