#include "models/hf_config.hpp"

#include <algorithm>
#include <cmath>

#include "common/error.hpp"
#include "common/nearest.hpp"
#include "common/strings.hpp"

namespace llmsim::models {
namespace {

// Reads fields by one of several names (families spell the same thing differently).
class Fields {
  public:
    Fields(const Json& j, std::string name) : j_(j), name_(std::move(name)) {}

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
            throw InputError(name_, "missing required field '" + std::string(*keys.begin()) + "'" +
                                        (keys.size() > 1 ? " (or an alias)" : ""));
        }
        return as_int(*v, *keys.begin());
    }
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

  private:
    int64_t as_int(const Json& v, const char* key) const {
        if (v.is_number_integer()) {
            const auto x = v.get<int64_t>();
            if (x < 0) throw bad(key, v, "a non-negative integer");
            return x;
        }
        if (v.is_number_float()) {
            const double d = v.get<double>();
            if (d >= 0 && d == std::floor(d)) return static_cast<int64_t>(d);
        }
        throw bad(key, v, "a non-negative integer");
    }
    InputError bad(const char* key, const Json& v, const char* expected) const {
        return InputError(name_ + "#/" + key, "bad value " + v.dump() + " (expected " + expected + ")");
    }
    const Json& j_;
    std::string name_;
};

Activation activation_of(const std::string& act, const std::string& where) {
    const std::string a = to_lower(act);
    if (a == "silu" || a == "swish" || a == "swiglu") return Activation::silu;
    if (a.rfind("gelu", 0) == 0) return Activation::gelu;
    if (a == "relu") return Activation::relu;
    throw InputError(where + "#/hidden_act", "unsupported activation '" + act + "' (expected silu, gelu*, relu)");
}

void common_llama_fields(ModelSpec& m, const Fields& f) {
    m.num_layers = static_cast<int32_t>(f.integer({"num_hidden_layers"}));
    m.hidden_size = f.integer({"hidden_size"});
    m.num_heads = static_cast<int32_t>(f.integer({"num_attention_heads"}));
    m.num_kv_heads = static_cast<int32_t>(f.integer_or({"num_key_value_heads"}, m.num_heads));
    m.head_dim = static_cast<int32_t>(f.integer_or({"head_dim"}, m.num_heads > 0 ? m.hidden_size / m.num_heads : 0));
    m.intermediate_size = f.integer_or({"intermediate_size"}, 0);
    m.vocab_size = f.integer({"vocab_size"});
    m.max_position = f.integer_or({"max_position_embeddings"}, 4096);
    m.tied_embeddings = f.flag_or({"tie_word_embeddings"}, false);
    m.activation = activation_of(f.text_or({"hidden_act"}, "silu"), f.name());
}

}  // namespace

std::vector<std::string> supported_hf_model_types() {
    return {"llama",    "mistral", "mixtral", "qwen2", "qwen2_moe", "gpt2", "gptj",
            "gpt_neox", "opt",     "falcon",  "phi",   "phi3",      "bloom"};
}

ModelSpec import_hf_config_json(const Json& config, const std::string& name) {
    if (!config.is_object()) throw InputError(name, "expected a JSON object (a Hugging Face config.json)");
    const Fields f(config, name);
    std::string type = to_lower(f.text_or({"model_type"}, ""));
    if (type == "refinedweb" || type == "refinedwebmodel") type = "falcon";
    if (type.empty()) {
        throw InputError(name + "#/model_type",
                         "missing 'model_type' (supported: " + join(supported_hf_model_types(), ", ") + ")");
    }
    ModelSpec m;
    m.id = name;
    m.source = "Hugging Face config.json: " + name;
    m.family = type;

    if (type == "llama" || type == "mistral" || type == "mixtral" || type == "qwen2" || type == "qwen2_moe" ||
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
    m.validate(name);
    return m;
}

ModelSpec import_hf_config(const std::string& path) {
    return import_hf_config_json(load_json_file(path), path);
}

}  // namespace llmsim::models
