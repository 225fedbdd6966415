#include "models/presets.hpp"

#include <filesystem>

#include "common/error.hpp"
#include "common/nearest.hpp"
#include "common/strings.hpp"
#include "models/hf_config.hpp"

namespace llmsim::models {
namespace {

// Decoder-only Llama-style block: RMSNorm, RoPE, gated SiLU MLP, no biases.
ModelSpec llama_like(const char* id, const char* family, int32_t layers, int64_t hidden, int32_t heads,
                     int32_t kv_heads, int64_t intermediate, int64_t vocab, int64_t max_pos, const char* source) {
    ModelSpec m;
    m.id = id;
    m.family = family;
    m.source = source;
    m.num_layers = layers;
    m.hidden_size = hidden;
    m.num_heads = heads;
    m.num_kv_heads = kv_heads;
    m.head_dim = static_cast<int32_t>(hidden / heads);
    m.intermediate_size = intermediate;
    m.vocab_size = vocab;
    m.max_position = max_pos;
    return m;
}

// GPT-2/GPT-3/OPT-style block: LayerNorm, learned positions, plain MLP, biases everywhere, tied embeddings.
ModelSpec gpt_like(const char* id, const char* family, int32_t layers, int64_t hidden, int32_t heads, int64_t ffn,
                   int64_t vocab, int64_t max_pos, Activation act, const char* source) {
    ModelSpec m = llama_like(id, family, layers, hidden, heads, heads, ffn, vocab, max_pos, source);
    m.mlp = MlpKind::plain;
    m.activation = act;
    m.norm = NormKind::layernorm;
    m.position = PositionKind::learned;
    m.attention_bias = true;
    m.mlp_bias = true;
    m.tied_embeddings = true;
    return m;
}

void set_moe(ModelSpec& m, int32_t experts, int32_t top_k, int64_t expert_intermediate, int32_t shared) {
    m.moe.num_experts = experts;
    m.moe.top_k = top_k;
    m.moe.expert_intermediate = expert_intermediate;
    m.moe.shared_experts = shared;
}

// Qwen3 block: Llama-style with per-head RMS norm of queries and keys and an explicit head_dim (128).
ModelSpec qwen3_like(const char* id, int32_t layers, int64_t hidden, int32_t heads, int32_t kv_heads,
                     int64_t intermediate, const char* source) {
    ModelSpec m = llama_like(id, "qwen3", layers, hidden, heads, kv_heads, intermediate, 151936, 40960, source);
    m.head_dim = 128;
    m.qk_norm = QkNorm::rms;
    return m;
}

// Gemma 2/3 block: GeGLU, explicit head_dim, tied embeddings, four norms, local layers with every n-th global.
ModelSpec gemma_like(const char* id, const char* family, int32_t layers, int64_t hidden, int32_t heads,
                     int32_t kv_heads, int32_t head_dim, int64_t intermediate, int64_t vocab, int64_t max_pos,
                     int32_t window, int32_t global_every, const char* source) {
    ModelSpec m = llama_like(id, family, layers, hidden, heads, kv_heads, intermediate, vocab, max_pos, source);
    m.head_dim = head_dim;
    m.activation = Activation::gelu;
    m.tied_embeddings = true;
    m.norms_per_layer = 4;
    m.local_attention = LocalAttentionSpec{window, false, global_every};
    return m;
}

// Llama 4 text model: 16 or 128 routed experts (top-1) plus one shared expert of 8192, dense layers of 16384,
// 8192-token chunked attention with every 4th layer global (NoPE).
ModelSpec llama4_like(const char* id, int32_t experts, int32_t moe_step, int64_t max_pos, const char* source) {
    ModelSpec m = llama_like(id, "llama4", 48, 5120, 40, 8, 16384, 202048, max_pos, source);
    m.moe.num_experts = experts;
    m.moe.top_k = 1;
    m.moe.expert_intermediate = 8192;
    m.moe.shared_experts = 1;
    m.moe.layer_step = moe_step;
    m.local_attention = LocalAttentionSpec{8192, true, 4};
    return m;
}

std::vector<ModelPreset> build_presets() {
    std::vector<ModelPreset> p;
    auto add = [&](ModelSpec spec, const char* description) {
        spec.validate("model preset " + spec.id);
        p.push_back(ModelPreset{spec.id, description, std::move(spec)});
    };
    constexpr const char* kMetaL2 = "meta-llama/Llama-2-*-hf config.json";
    constexpr const char* kMetaL3 = "meta-llama/Meta-Llama-3*/Llama-3.* config.json";
    add(llama_like("llama-2-7b", "llama", 32, 4096, 32, 32, 11008, 32000, 4096, kMetaL2), "Llama 2 7B (MHA)");
    add(llama_like("llama-2-13b", "llama", 40, 5120, 40, 40, 13824, 32000, 4096, kMetaL2), "Llama 2 13B (MHA)");
    add(llama_like("llama-2-70b", "llama", 80, 8192, 64, 8, 28672, 32000, 4096, kMetaL2), "Llama 2 70B (GQA 8)");
    add(llama_like("llama-3-8b", "llama", 32, 4096, 32, 8, 14336, 128256, 8192, kMetaL3), "Llama 3 8B (GQA 8)");
    add(llama_like("llama-3-70b", "llama", 80, 8192, 64, 8, 28672, 128256, 8192, kMetaL3), "Llama 3 70B (GQA 8)");
    add(llama_like("llama-3.1-8b", "llama", 32, 4096, 32, 8, 14336, 128256, 131072, kMetaL3),
        "Llama 3.1 8B, 128K context");
    add(llama_like("llama-3.1-70b", "llama", 80, 8192, 64, 8, 28672, 128256, 131072, kMetaL3),
        "Llama 3.1 70B, 128K context");
    add(llama_like("llama-3.1-405b", "llama", 126, 16384, 128, 8, 53248, 128256, 131072, kMetaL3),
        "Llama 3.1 405B (GQA 8)");
    add(llama_like("llama-3.3-70b", "llama", 80, 8192, 64, 8, 28672, 128256, 131072, kMetaL3),
        "Llama 3.3 70B Instruct");
    {
        ModelSpec m = llama_like("mistral-7b", "mistral", 32, 4096, 32, 8, 14336, 32000, 32768,
                                 "mistralai/Mistral-7B-v0.1 config.json");
        m.sliding_window = 4096;
        add(m, "Mistral 7B v0.1 (GQA 8, 4K sliding window)");
    }
    // v0.2 (the model Sarathi-Serve's evaluation serves) drops v0.1's sliding window; the shapes are the same.
    add(llama_like("mistral-7b-v0.2", "mistral", 32, 4096, 32, 8, 14336, 32000, 32768,
                   "mistralai/Mistral-7B-Instruct-v0.2 config.json"),
        "Mistral 7B v0.2 (GQA 8, full attention, 32K context)");
    {
        ModelSpec m = llama_like("mixtral-8x7b", "mixtral", 32, 4096, 32, 8, 14336, 32000, 32768,
                                 "mistralai/Mixtral-8x7B-v0.1 config.json");
        set_moe(m, 8, 2, 14336, 0);
        add(m, "Mixtral 8x7B MoE (8 experts, top-2)");
    }
    {
        ModelSpec m =
            llama_like("gpt-j-6b", "gptj", 28, 4096, 16, 16, 16384, 50400, 2048, "EleutherAI/gpt-j-6b config.json");
        m.mlp = MlpKind::plain;
        m.activation = Activation::gelu;
        m.norm = NormKind::layernorm;
        m.parallel_residual = true;
        m.norms_per_layer = 1;
        m.rotary_dim = 64;
        m.mlp_bias = true;
        add(m, "GPT-J 6B (parallel attention+MLP, partial rotary)");
    }
    {
        ModelSpec m = llama_like("falcon-180b", "falcon", 80, 14848, 232, 8, 4 * 14848, 65024, 2048,
                                 "tiiuae/falcon-180B config.json");
        m.mlp = MlpKind::plain;
        m.activation = Activation::gelu;
        m.norm = NormKind::layernorm;
        m.parallel_residual = true;
        add(m, "Falcon 180B (GQA 8, parallel attention+MLP)");
    }
    add(llama_like("yi-34b", "llama", 60, 7168, 56, 8, 20480, 64000, 4096, "01-ai/Yi-34B config.json"),
        "Yi 34B (GQA 8)");
    add(llama_like("codellama-34b", "llama", 48, 8192, 64, 8, 22016, 32000, 16384,
                   "codellama/CodeLlama-34b-Instruct-hf config.json"),
        "Code Llama 34B (GQA 8)");
    add(gpt_like("opt-6.7b", "opt", 32, 4096, 32, 16384, 50272, 2048, Activation::relu,
                 "facebook/opt-6.7b config.json"),
        "OPT 6.7B (LLM in a flash's main model)");
    add(gpt_like("opt-13b", "opt", 40, 5120, 40, 20480, 50272, 2048, Activation::relu, "facebook/opt-13b config.json"),
        "OPT 13B");
    add(gpt_like("opt-66b", "opt", 64, 9216, 72, 36864, 50272, 2048, Activation::relu, "facebook/opt-66b config.json"),
        "OPT 66B");
    add(gpt_like("opt-175b", "opt", 96, 12288, 96, 49152, 50272, 2048, Activation::relu,
                 "Zhang et al. 2022 (OPT paper) Table 1"),
        "OPT 175B");
    {
        ModelSpec m = gpt_like("bloom-176b", "bloom", 70, 14336, 112, 4 * 14336, 250880, 2048, Activation::gelu,
                               "bigscience/bloom config.json");
        m.position = PositionKind::alibi;
        add(m, "BLOOM 176B (ALiBi)");
    }
    {
        ModelSpec m =
            llama_like("qwen1.5-1.8b", "qwen2", 24, 2048, 16, 16, 5504, 151936, 32768, "Qwen/Qwen1.5-1.8B config.json");
        m.attention_bias = true;
        add(m, "Qwen1.5 1.8B");
    }
    {
        ModelSpec m =
            llama_like("qwen2-7b", "qwen2", 28, 3584, 28, 4, 18944, 152064, 131072, "Qwen/Qwen2-7B config.json");
        m.attention_bias = true;
        add(m, "Qwen2 7B (GQA 4)");
    }
    {
        ModelSpec m = llama_like("phi-2", "phi", 32, 2560, 32, 32, 10240, 51200, 2048, "microsoft/phi-2 config.json");
        m.mlp = MlpKind::plain;
        m.activation = Activation::gelu;
        m.norm = NormKind::layernorm;
        m.parallel_residual = true;
        m.norms_per_layer = 1;
        m.rotary_dim = 32;
        m.attention_bias = true;
        m.mlp_bias = true;
        add(m, "Phi-2 2.7B");
    }
    // Qwen3 (config.json of each Hugging Face repository; published totals 8.2B, 32.8B, 30.5B/3.3B active,
    // 235B/22B active).
    add(qwen3_like("qwen3-8b", 36, 4096, 32, 8, 12288, "Qwen/Qwen3-8B config.json"), "Qwen3 8B (GQA 8, QK-norm)");
    add(qwen3_like("qwen3-32b", 64, 5120, 64, 8, 25600, "Qwen/Qwen3-32B config.json"), "Qwen3 32B (GQA 8, QK-norm)");
    {
        ModelSpec m = qwen3_like("qwen3-30b-a3b", 48, 2048, 32, 4, 6144, "Qwen/Qwen3-30B-A3B config.json");
        m.family = "qwen3_moe";
        set_moe(m, 128, 8, 768, 0);
        add(m, "Qwen3 30B-A3B MoE (128 experts, top-8)");
    }
    {
        ModelSpec m = qwen3_like("qwen3-235b-a22b", 94, 4096, 64, 4, 12288, "Qwen/Qwen3-235B-A22B config.json");
        m.family = "qwen3_moe";
        set_moe(m, 128, 8, 1536, 0);
        add(m, "Qwen3 235B-A22B MoE (128 experts, top-8)");
    }
    {
        // MLA + DeepSeekMoE; the multi-token-prediction layer (num_nextn_predict_layers = 1) is not served.
        ModelSpec m = llama_like("deepseek-v3", "deepseek_v3", 61, 7168, 128, 128, 18432, 129280, 163840,
                                 "deepseek-ai/DeepSeek-V3 config.json (671B total, 37B active per the model card)");
        m.mla = MlaSpec{1536, 512, 128, 64, 128};
        m.head_dim = 128 + 64;
        set_moe(m, 256, 8, 2048, 1);
        m.moe.first_dense_layers = 3;
        add(m, "DeepSeek-V3 671B MoE (MLA, 256 experts top-8 + 1 shared, first 3 layers dense)");
    }
    add(gemma_like("gemma-2-9b", "gemma2", 42, 3584, 16, 8, 256, 14336, 256000, 8192, 4096, 2,
                   "google/gemma-2-9b config.json"),
        "Gemma 2 9B (4K sliding window on alternate layers)");
    {
        ModelSpec m = gemma_like("gemma-3-27b", "gemma3", 62, 5376, 32, 16, 128, 21504, 262208, 131072, 1024, 6,
                                 "google/gemma-3-27b-it config.json text_config (language model only)");
        m.qk_norm = QkNorm::rms;
        add(m, "Gemma 3 27B (1K sliding window, 5 local : 1 global)");
    }
    {
        ModelSpec m = llama4_like("llama-4-scout", 16, 1, 10485760,
                                  "meta-llama/Llama-4-Scout-17B-16E config.json text_config (109B/17B per the card)");
        m.qk_norm = QkNorm::l2;
        add(m, "Llama 4 Scout 17B-16E (109B MoE, top-1 + shared, chunked attention)");
    }
    add(llama4_like("llama-4-maverick", 128, 2, 1048576,
                    "meta-llama/Llama-4-Maverick-17B-128E config.json text_config (400B/17B per the card)"),
        "Llama 4 Maverick 17B-128E (400B, MoE every other layer)");
    // Megatron/NeMo GPT-3 shapes (vocab padded to 51200 as in Megatron-LM).
    add(gpt_like("gpt3-5b", "gpt3", 24, 4096, 32, 16384, 51200, 2048, Activation::gelu, "NeMo GPT-3 5B config"),
        "GPT-3 5B (NeMo)");
    add(gpt_like("gpt3-20b", "gpt3", 44, 6144, 48, 24576, 51200, 2048, Activation::gelu, "NeMo GPT-3 20B config"),
        "GPT-3 20B (NeMo)");
    add(gpt_like("gpt3-175b", "gpt3", 96, 12288, 96, 49152, 51200, 2048, Activation::gelu,
                 "Brown et al. 2020 Table 2.1"),
        "GPT-3 175B");
    // ZeRO's (Rajbhandari et al., SC'20) 100B GPT-2-style model: 125 layers x 8192 hidden, 1,024-token context; the
    // head count is not stated, 64 heads keeps GPT-3's head_dim of 128.
    add(gpt_like("gpt-100b", "gpt2", 125, 8192, 64, 32768, 51200, 1024, Activation::gelu,
                 "Rajbhandari et al. SC'20 (ZeRO) 100B configuration; vocab padded to 51200 as in Megatron-LM"),
        "GPT-2-style 100B (ZeRO paper)");
    // Tiny Llamas for the real CPU serving loop (llama2.c stories15M / stories110M shapes).
    add(llama_like("llama-tiny-15m", "llama", 6, 288, 6, 6, 768, 32000, 256, "karpathy/llama2.c stories15M"),
        "Tiny Llama 15M (CPU calibration)");
    add(llama_like("llama-tiny-110m", "llama", 12, 768, 12, 12, 2048, 32000, 1024, "karpathy/llama2.c stories110M"),
        "Tiny Llama 110M (CPU calibration)");
    return p;
}

}  // namespace

const std::vector<ModelPreset>& model_presets() {
    static const std::vector<ModelPreset> presets = build_presets();
    return presets;
}

std::vector<std::string> model_preset_ids() {
    std::vector<std::string> ids;
    for (const auto& p : model_presets())
        ids.push_back(p.id);
    return ids;
}

ModelSpec resolve_model(const std::string& id_or_path, const std::string& where) {
    const std::string lowered = to_lower(id_or_path);
    for (const auto& p : model_presets()) {
        if (p.id == lowered) return p.spec;
    }
    const bool looks_like_path = id_or_path.find('/') != std::string::npos ||
                                 (id_or_path.size() > 5 && id_or_path.substr(id_or_path.size() - 5) == ".json");
    if (looks_like_path || path_exists(id_or_path)) {
        std::string path = id_or_path;
        if (std::filesystem::is_directory(path)) path += "/config.json";
        return import_hf_config(path);
    }
    throw UsageError(where, unknown_name_message("model", id_or_path, model_preset_ids()) +
                                " or a path to a Hugging Face config.json");
}

}  // namespace llmsim::models
