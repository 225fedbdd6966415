#include <catch2/catch.hpp>

#include "common/error.hpp"
#include "common/json_io.hpp"
#include "models/hf_config.hpp"
#include "models/layer_ops.hpp"
#include "models/presets.hpp"

using namespace llmsim;
using namespace llmsim::models;

TEST_CASE("preset parameter counts match the published model sizes", "[models]") {
    // Published sizes: Llama-2-7B 6.74B, Llama-2-70B 68.98B, Llama-3-8B 8.03B, Mixtral-8x7B 46.7B, Yi-34B 34.4B,
    // Llama-3.1-405B 405.9B, GPT-3 175B.
    CHECK(resolve_model("llama-2-7b").param_count() / 1e9 == Approx(6.74).epsilon(0.005));
    CHECK(resolve_model("llama-2-70b").param_count() / 1e9 == Approx(68.98).epsilon(0.005));
    CHECK(resolve_model("llama-3-8b").param_count() / 1e9 == Approx(8.03).epsilon(0.005));
    CHECK(resolve_model("mixtral-8x7b").param_count() / 1e9 == Approx(46.7).epsilon(0.01));
    CHECK(resolve_model("yi-34b").param_count() / 1e9 == Approx(34.4).epsilon(0.01));
    CHECK(resolve_model("llama-3.1-405b").param_count() / 1e9 == Approx(405.9).epsilon(0.005));
    CHECK(resolve_model("gpt3-175b").param_count() / 1e9 == Approx(175).epsilon(0.02));
    const auto mixtral = resolve_model("mixtral-8x7b");
    CHECK(mixtral.active_param_count() / 1e9 == Approx(12.9).epsilon(0.02));
}

TEST_CASE("every contract model id resolves", "[models]") {
    for (const char* id : {"llama-2-7b", "llama-2-13b", "llama-2-70b", "llama-3-8b", "llama-3-70b", "llama-3.1-8b",
                           "llama-3.1-70b", "llama-3.1-405b", "llama-3.3-70b", "mistral-7b", "mixtral-8x7b", "gpt-j-6b",
                           "falcon-180b", "yi-34b", "opt-13b", "opt-66b", "opt-175b", "bloom-176b", "qwen1.5-1.8b"}) {
        INFO(id);
        CHECK_NOTHROW(resolve_model(id));
    }
    CHECK_THROWS_WITH(resolve_model("llama-2-7bb"),
                      Catch::Contains("unknown model 'llama-2-7bb'") && Catch::Contains("did you mean 'llama-2-7b'"));
}

TEST_CASE("GQA: KV bytes use KV heads, and TP shards or replicates them", "[models]") {
    const auto m = resolve_model("llama-2-70b");  // 80 layers, 8 KV heads of 128
    const auto prec = Precision::from_dtype(DType::fp16);
    for (int tp : {1, 2, 4, 8, 16}) {
        InferenceParallel par;
        par.tp = tp;
        if (tp == 16) {
            // 64 query heads split 16 ways; 8 KV heads replicated two-fold.
            const auto s = shard_model(m, par);
            CHECK(s.kv_heads == 1);
            continue;
        }
        const auto f = memory_footprint(m, shard_model(m, par), par, prec);
        CHECK(f.kv_bytes_per_token_per_gpu == Approx(2.0 * 80 * (8.0 / tp) * 128 * 2));
    }
    InferenceParallel bad;
    bad.tp = 3;
    CHECK_THROWS_WITH(shard_model(m, bad), Catch::Contains("--tp") && Catch::Contains("does not divide the 64"));
    InferenceParallel pp;
    pp.pp = 3;  // 80 layers: 27/27/26
    CHECK(shard_model(m, pp).layers_per_stage == std::vector<int32_t>{27, 27, 26});
}

TEST_CASE("Hugging Face configs of every supported family import", "[models][hf]") {
    const char* llama = R"({"model_type":"llama","num_hidden_layers":32,"hidden_size":4096,"num_attention_heads":32,
        "num_key_value_heads":8,"intermediate_size":14336,"vocab_size":128256,"max_position_embeddings":8192})";
    const auto l = import_hf_config_json(Json::parse(llama), "llama3.json");
    CHECK(l.param_count() == resolve_model("llama-3-8b").param_count());
    const char* mixtral = R"({"model_type":"mixtral","num_hidden_layers":32,"hidden_size":4096,
        "num_attention_heads":32,"num_key_value_heads":8,"intermediate_size":14336,"vocab_size":32000,
        "num_local_experts":8,"num_experts_per_tok":2})";
    CHECK(import_hf_config_json(Json::parse(mixtral), "m.json").moe.num_experts == 8);
    const char* gptj = R"({"model_type":"gptj","n_layer":28,"n_embd":4096,"n_head":16,"rotary_dim":64,
        "vocab_size":50400,"n_positions":2048})";
    const auto g = import_hf_config_json(Json::parse(gptj), "gptj.json");
    CHECK(g.parallel_residual);
    CHECK(g.intermediate_size == 16384);
    const char* neox = R"({"model_type":"gpt_neox","num_hidden_layers":44,"hidden_size":6144,
        "num_attention_heads":64,"intermediate_size":24576,"vocab_size":50432,"max_position_embeddings":2048})";
    CHECK(import_hf_config_json(Json::parse(neox), "neox.json").num_layers == 44);
    const char* opt = R"({"model_type":"opt","num_hidden_layers":40,"hidden_size":5120,"num_attention_heads":40,
        "ffn_dim":20480,"vocab_size":50272})";
    CHECK(import_hf_config_json(Json::parse(opt), "opt.json").param_count() == resolve_model("opt-13b").param_count());
    const char* falcon = R"({"model_type":"falcon","num_hidden_layers":80,"hidden_size":14848,
        "num_attention_heads":232,"num_kv_heads":8,"new_decoder_architecture":true,"vocab_size":65024})";
    CHECK(import_hf_config_json(Json::parse(falcon), "f.json").num_kv_heads == 8);
    const char* falcon7 = R"({"model_type":"RefinedWebModel","n_layer":32,"hidden_size":4544,"n_head":71,
        "multi_query":true,"vocab_size":65024})";
    CHECK(import_hf_config_json(Json::parse(falcon7), "f7.json").num_kv_heads == 1);  // MQA
    const char* gpt2 = R"({"model_type":"gpt2","n_layer":12,"n_embd":768,"n_head":12,"vocab_size":50257,
        "n_positions":1024})";
    CHECK(import_hf_config_json(Json::parse(gpt2), "gpt2.json").param_count() / 1e6 == Approx(124.4).epsilon(0.01));
    const char* qwen = R"({"model_type":"qwen2","num_hidden_layers":24,"hidden_size":2048,"num_attention_heads":16,
        "num_key_value_heads":16,"intermediate_size":5504,"vocab_size":151936})";
    CHECK(import_hf_config_json(Json::parse(qwen), "q.json").attention_bias);
    const char* phi = R"({"model_type":"phi","num_hidden_layers":32,"hidden_size":2560,"num_attention_heads":32,
        "intermediate_size":10240,"vocab_size":51200})";
    CHECK(import_hf_config_json(Json::parse(phi), "phi.json").norms_per_layer == 1);
    const char* bloom = R"({"model_type":"bloom","n_layer":70,"hidden_size":14336,"n_head":112,"vocab_size":250880})";
    CHECK(import_hf_config_json(Json::parse(bloom), "b.json").position == PositionKind::alibi);
}

TEST_CASE("Hugging Face import errors name the file and field", "[models][hf]") {
    CHECK_THROWS_WITH(import_hf_config_json(Json::parse(R"({"model_type":"mamba"})"), "c.json"),
                      Catch::Contains("c.json#/model_type") && Catch::Contains("unknown model_type 'mamba'") &&
                          Catch::Contains("llama"));
    CHECK_THROWS_WITH(import_hf_config_json(Json::parse(R"({"model_type":"llama","hidden_size":4096})"), "c.json"),
                      Catch::Contains("c.json") && Catch::Contains("num_hidden_layers"));
    CHECK_THROWS_WITH(
        import_hf_config_json(Json::parse(R"({"model_type":"llama","num_hidden_layers":-2,"hidden_size":4096,
            "num_attention_heads":32,"vocab_size":1})"),
                              "c.json"),
        Catch::Contains("c.json#/num_hidden_layers") && Catch::Contains("-2"));
    CHECK_THROWS_AS(import_hf_config("/nonexistent/config.json"), InputError);
}

TEST_CASE("forward ops: GEMM FLOPs, attention work and the contract op names", "[models][ops]") {
    const auto m = resolve_model("llama-2-7b");
    InferenceParallel par;
    par.tp = 2;
    const auto shard = shard_model(m, par);
    BatchShape b;
    b.add_prefill_chunk(100, 50, true);  // 50 new tokens over 100 cached
    b.add_decode(999);                   // attends 1000 keys
    const auto ops = build_forward_ops(m, shard, par, Precision::from_dtype(DType::fp16), b);
    auto find = [&](std::string_view name) -> const Op& {
        for (const auto& o : ops) {
            if (o.name == name) return o;
        }
        FAIL("missing op " << name);
        return ops.front();
    };
    const double t = 51;  // tokens
    CHECK(find("qkv_proj").flops == Approx(2 * t * 4096 * (3 * 4096 / 2)));
    CHECK(find("mlp_up_proj").n == 2 * 11008 / 2);
    CHECK(find("lm_head").m == 2);  // the finished prefill and the decode sample
    // Causal pairs: 50 queries each see 100 cached keys plus themselves and earlier new ones.
    CHECK(b.prefill_attn_pairs == Approx(50 * 100 + 50 * 51 / 2.0));
    CHECK(find("attn_prefill").flops == Approx(4.0 * 128 * 16 * b.prefill_attn_pairs));
    CHECK(find("attn_decode").flops == Approx(4.0 * 128 * 16 * 1000));
    CHECK(find("attn_decode").bytes >= 1000 * 2 * 16 * 128 * 2);  // K and V of 1000 tokens, 16 KV heads per GPU
    CHECK(find("tp_all_reduce").kernels == 2);
    for (const char* name :
         {"embedding", "input_norm", "rope", "o_proj", "post_attn_norm", "mlp_act", "mlp_down_proj", "residual_add"}) {
        CHECK_NOTHROW(find(name));
    }
}

TEST_CASE("sliding-window attention caps the keys each query sees", "[models][ops]") {
    BatchShape b;
    b.attention_window = 4;
    b.add_prefill_chunk(0, 6, false);  // keys seen: 1,2,3,4,4,4
    CHECK(b.prefill_attn_pairs == Approx(18));
    b.add_decode(10);
    CHECK(b.decode_kv_tokens == 4);
}

TEST_CASE("MoE layers add router, experts and expert all-to-all", "[models][ops]") {
    const auto m = resolve_model("mixtral-8x7b");
    InferenceParallel par;
    par.ep = 2;
    const auto shard = shard_model(m, par);
    CHECK(shard.local_experts == 4);
    BatchShape b;
    b.add_prefill_chunk(0, 1000, true);
    const auto ops = build_forward_ops(m, shard, par, Precision::from_dtype(DType::bf16), b);
    int found = 0;
    for (const auto& o : ops) {
        if (o.name == "moe_router" || o.name == "moe_experts" || o.name == "ep_all_to_all") ++found;
        CHECK(o.name != "mlp_up_proj");
    }
    CHECK(found == 3);
    InferenceParallel dense_ep;
    dense_ep.ep = 2;
    CHECK_THROWS_WITH(shard_model(resolve_model("llama-2-7b"), dense_ep), Catch::Contains("--ep"));
}
