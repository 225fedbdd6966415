// Today's model families: Qwen3 / Qwen3-MoE, DeepSeek-V3 (MLA), Gemma 2/3 (local + global layers), Llama 4.
// Published sizes are from each model's card or config.json on Hugging Face; the fixtures under tests/data/hf/ are
// hand-written from those public config.json files (repository named per fixture below).
#include <catch2/catch.hpp>
#include <cmath>

#include "common/error.hpp"
#include "common/json_io.hpp"
#include "hardware/catalogue.hpp"
#include "models/hf_config.hpp"
#include "models/layer_ops.hpp"
#include "models/presets.hpp"
#include "models/training_ops.hpp"
#include "sim/cost/forward_cost.hpp"
#include "tests/support/test_support.hpp"

using namespace llmsim;
using namespace llmsim::models;

namespace {

struct Published {
    const char* preset;
    const char* fixture;  // tests/data/hf/<fixture>, or nullptr
    const char* source;
    double total_b;
    double active_b;  // 0 = dense
};

// Totals and active counts as the model cards state them.
const Published kPublished[] = {
    {"qwen3-8b", "qwen3-8b.json", "Qwen/Qwen3-8B model card: 8.2B", 8.2, 0},
    {"qwen3-32b", nullptr, "Qwen/Qwen3-32B model card: 32.8B", 32.8, 0},
    {"qwen3-30b-a3b", "qwen3-30b-a3b.json", "Qwen/Qwen3-30B-A3B model card: 30.5B, 3.3B activated", 30.5, 3.3},
    {"qwen3-235b-a22b", nullptr, "Qwen/Qwen3-235B-A22B model card: 235B, 22B activated", 235, 22},
    {"deepseek-v3", "deepseek-v3.json", "deepseek-ai/DeepSeek-V3 card: 671B main model, 37B activated", 671, 37},
    {"gemma-2-9b", "gemma-2-9b.json", "google/gemma-2-9b: 9.24B", 9.24, 0},
    {"gemma-3-27b", "gemma-3-27b-it.json", "google/gemma-3-27b-it: 27B (language model)", 27, 0},
    {"llama-4-scout", "llama-4-scout.json", "meta-llama/Llama-4-Scout-17B-16E card: 109B total, 17B active", 109, 17},
    {"llama-4-maverick", "llama-4-maverick.json", "meta-llama/Llama-4-Maverick-17B-128E card: 400B, 17B active", 400,
     17},
};

ModelSpec fixture(const std::string& name) {
    return import_hf_config(test::source_path("tests/data/hf/" + name));
}

double error_pct(double predicted, double published) {
    return 100.0 * std::abs(predicted - published) / published;
}

// FLOPs of one pass, every per-layer op counted on the layers that run it.
double pass_flops(const ModelSpec& m, const BatchShape& b) {
    InferenceParallel par;
    const auto shard = shard_model(m, par);
    const StageLayers whole{m.num_layers, m.moe_layers_in(0, m.num_layers),
                            m.local_attention_layers_in(0, m.num_layers)};
    double flops = 0;
    for (const auto& op : build_forward_ops(m, shard, par, Precision::from_dtype(DType::bf16), b)) {
        flops += op.flops * (op.scope == OpScope::per_layer ? layers_running(op.layers, whole) : 1);
    }
    return flops;
}

const Op& find_op(const std::vector<Op>& ops, std::string_view name, OpLayers layers = OpLayers::all) {
    for (const auto& o : ops) {
        if (o.name == name && o.layers == layers) return o;
    }
    FAIL("missing op " << name << " (" << op_layers_name(layers) << ")");
    return ops.front();
}

}  // namespace

TEST_CASE("new families: total and active parameters within 2% of the published figures", "[models][families]") {
    for (const auto& p : kPublished) {
        const ModelSpec m = resolve_model(p.preset);
        const double total = static_cast<double>(m.param_count()) / 1e9;
        const double active = static_cast<double>(m.active_param_count()) / 1e9;
        std::printf("%-18s total %8.2fB (published %6.1fB, %.2f%%)", p.preset, total, p.total_b,
                    error_pct(total, p.total_b));
        if (p.active_b > 0) {
            std::printf("  active %6.2fB (published %5.1fB, %.2f%%)", active, p.active_b,
                        error_pct(active, p.active_b));
        }
        std::printf("  [%s]\n", p.source);
        INFO(p.preset << ": " << total << "B total, " << active << "B active");
        CHECK(error_pct(total, p.total_b) < 2.0);
        if (p.active_b > 0) CHECK(error_pct(active, p.active_b) < 2.0);
        if (p.fixture == nullptr) continue;
        // The config.json fixture describes the same architecture as the preset.
        const ModelSpec f = fixture(p.fixture);
        INFO("fixture " << p.fixture);
        CHECK(f.param_count() == m.param_count());
        CHECK(f.active_param_count() == m.active_param_count());
        CHECK(f.moe_layers_in(0, f.num_layers) == m.moe_layers_in(0, m.num_layers));
        CHECK(f.local_attention_layers_in(0, f.num_layers) == m.local_attention_layers_in(0, m.num_layers));
        CHECK(f.local_attention.window == m.local_attention.window);
        CHECK(f.kv_elements_per_token_per_layer() == m.kv_elements_per_token_per_layer());
    }
}

TEST_CASE("layer patterns: DeepSeek dense head, Maverick interleave, Gemma and Llama 4 global layers",
          "[models][families]") {
    const auto ds = resolve_model("deepseek-v3");
    CHECK_FALSE(ds.is_moe_layer(2));
    CHECK(ds.is_moe_layer(3));
    CHECK(ds.moe_layers_in(0, 61) == 58);
    const auto maverick = resolve_model("llama-4-maverick");
    CHECK_FALSE(maverick.is_moe_layer(0));
    CHECK(maverick.is_moe_layer(1));
    CHECK(maverick.moe_layers_in(0, 48) == 24);
    CHECK(resolve_model("llama-4-scout").moe_layers_in(0, 48) == 48);
    const auto gemma2 = resolve_model("gemma-2-9b");
    CHECK(gemma2.is_local_attention_layer(0));
    CHECK_FALSE(gemma2.is_local_attention_layer(1));
    CHECK(gemma2.local_attention_layers_in(0, 42) == 21);
    const auto gemma3 = resolve_model("gemma-3-27b");
    CHECK_FALSE(gemma3.is_local_attention_layer(5));  // 5 local : 1 global
    CHECK(gemma3.local_attention_layers_in(0, 62) == 52);
    CHECK(resolve_model("llama-4-scout").local_attention_layers_in(0, 48) == 36);  // every 4th layer global (NoPE)
    // Qwen3-MoE's decoder_sparse_step and mlp_only_layers.
    Json q = load_json_file(test::source_path("tests/data/hf/qwen3-30b-a3b.json"));
    q["decoder_sparse_step"] = 2;
    q["mlp_only_layers"] = Json::array({1});
    const auto qm = import_hf_config_json(q, "q.json");
    CHECK(qm.moe_layers_in(0, 48) == 23);  // layers 3, 5, ..., 47
    CHECK(qm.mixes_mlp_layers());
    CHECK(qm.param_count() == qm.num_layers * (qm.attention_params_per_layer() + qm.norm_params_per_layer()) +
                                  23 * qm.mlp_params_per_layer() + 25 * qm.dense_mlp_params_per_layer() +
                                  qm.embedding_params() + qm.lm_head_params() + qm.hidden_size);
}

TEST_CASE("KV bytes per token: MLA latent, and local layers capped by their window", "[models][families][kv]") {
    const auto bf16 = Precision::from_dtype(DType::bf16);
    {
        // DeepSeek-V3 caches kv_lora_rank + qk_rope_head_dim = 576 elements per layer; every TP rank holds all.
        const auto m = resolve_model("deepseek-v3");
        for (int tp : {1, 8}) {
            InferenceParallel par;
            par.tp = tp;
            const auto f = memory_footprint(m, shard_model(m, par), par, bf16);
            CHECK(f.kv_bytes_per_token_per_gpu == 61.0 * (512 + 64) * 2);
        }
        InferenceParallel pp;
        pp.tp = 8;
        pp.pp = 2;  // 31 + 30 layers
        CHECK(memory_footprint(m, shard_model(m, pp), pp, bf16).kv_bytes_per_token_per_gpu == 31.0 * 576 * 2);
    }
    {
        // Gemma 3 27B: 16 KV heads x 128 x (K, V) x 2 bytes per layer; 52 local layers keep at most 1024 tokens.
        const auto m = resolve_model("gemma-3-27b");
        InferenceParallel par;
        const auto f = memory_footprint(m, shard_model(m, par), par, bf16);
        const double per_layer = 2.0 * 16 * 128 * 2;
        CHECK(f.kv_bytes_per_token_per_gpu == 62 * per_layer);
        CHECK(f.kv_bytes_per_sequence(1000) == 62 * per_layer * 1000);
        CHECK(f.kv_bytes_per_sequence(32768) == 10 * per_layer * 32768 + 52 * per_layer * 1024);
    }
    {
        // Gemma 2 9B: 21 of 42 layers have a 4096-token window; Llama 4 Scout: 36 of 48 layers keep an 8192 chunk.
        const auto g = resolve_model("gemma-2-9b");
        InferenceParallel par;
        const auto f = memory_footprint(g, shard_model(g, par), par, bf16);
        CHECK(f.kv_bytes_per_sequence(8192) == 21 * 8192.0 * 8192 + 21 * 8192.0 * 4096);  // 2 x 8 x 256 x 2 per layer
        const auto s = resolve_model("llama-4-scout");
        const auto fs = memory_footprint(s, shard_model(s, par), par, bf16);
        CHECK(fs.kv_bytes_per_sequence(100000) == 12 * 4096.0 * 100000 + 36 * 4096.0 * 8192);
    }
}

TEST_CASE("FLOPs per token of a short-context decode ~ 2 x active parameters (LM head, no embedding)",
          "[models][families][ops]") {
    for (const auto& p : kPublished) {
        const ModelSpec m = resolve_model(p.preset);
        BatchShape b;
        b.set_spans(attention_spans(m));
        b.add_decode(16);
        // The embedding gather does no FLOPs; the LM head (tied or not) multiplies by a vocab x hidden matrix.
        const double expected = 2.0 * static_cast<double>(m.active_param_count() - m.embedding_params() -
                                                          m.lm_head_params() + m.vocab_size * m.hidden_size);
        const double flops = pass_flops(m, b);
        std::printf("%-18s decode FLOPs/token %.3e vs 2 x active %.3e (%.2f%%)\n", p.preset, flops, expected,
                    error_pct(flops, expected));
        INFO(p.preset);
        CHECK(error_pct(flops, expected) < 2.0);
    }
}

TEST_CASE("MLA: absorbed decode reads the latent cache; prefill up-projects K and V", "[models][families][ops]") {
    const auto m = resolve_model("deepseek-v3");
    InferenceParallel par;
    par.tp = 8;
    const auto shard = shard_model(m, par);
    const auto prec = Precision::from_dtype(DType::bf16);
    BatchShape b;
    b.add_decode(4095);  // 4096 keys
    const auto ops = build_forward_ops(m, shard, par, prec, b);
    const Op& attn = find_op(ops, "attn_decode");
    const double latent_read = 4096.0 * 576 * 2;
    CHECK(attn.bytes >= latent_read);
    CHECK(attn.bytes < 1.1 * latent_read);
    // 16 local heads: scores over 512 + 64, values over 512.
    CHECK(attn.flops == Approx(2.0 * 16 * (2 * 512 + 64) * 4096));
    CHECK(find_op(ops, "q_absorb").flops == Approx(2.0 * 16 * 128 * 512));
    CHECK(find_op(ops, "v_absorb").flops == Approx(2.0 * 16 * 512 * 128));
    CHECK(find_op(ops, "qkv_proj").n == 1536 + 576);  // replicated down-projections
    CHECK(find_op(ops, "q_b_proj").n == 16 * 192);
    CHECK(find_op(ops, "o_proj").k == 16 * 128);
    // Dense and MoE MLPs both appear, tagged for the layers that run them.
    CHECK(find_op(ops, "mlp_up_proj", OpLayers::dense_mlp).n == 2 * 18432 / 8);
    CHECK(find_op(ops, "moe_experts", OpLayers::moe_mlp).n == 2048 / 8);

    BatchShape p;
    p.add_prefill_chunk(1000, 500, true);
    const auto pops = build_forward_ops(m, shard, par, prec, p);
    CHECK(find_op(pops, "kv_b_proj").m == 1500);  // cached context and the chunk
    CHECK(find_op(pops, "attn_prefill").flops == Approx(2.0 * 16 * (192 + 128) * p.prefill_attn_pairs));
    // Weights: the replicated down-projections are whole on each of the 8 GPUs.
    const auto f = memory_footprint(m, shard, par, prec);
    const double expected_attn =
        static_cast<double>(m.attention_params_per_layer() - m.attention_replicated_params_per_layer()) / 8 +
        static_cast<double>(m.attention_replicated_params_per_layer());
    const double mlp = 58.0 * m.mlp_params_per_layer() / 8 + 3.0 * m.dense_mlp_params_per_layer() / 8;
    const double expected = (61 * (expected_attn + m.norm_params_per_layer()) + mlp +
                             static_cast<double>(m.embedding_params() + m.lm_head_params()) / 8) *
                            2;
    CHECK(f.weight_bytes_per_gpu == Approx(expected));
}

TEST_CASE("local attention: sliding and chunked spans per layer kind", "[models][families][ops]") {
    BatchShape chunked;
    chunked.local_window = 4;
    chunked.local_chunked = true;
    chunked.add_prefill_chunk(0, 6, false);  // positions 0..5 see 1,2,3,4,1,2 keys
    CHECK(chunked.local_prefill_attn_pairs == Approx(13));
    CHECK(chunked.prefill_attn_pairs == Approx(21));  // global layers see everything
    chunked.add_prefill_chunk(6, 3, false);           // positions 6..8: 3,4,1
    CHECK(chunked.local_prefill_attn_pairs == Approx(21));
    chunked.add_decode(10);  // position 10 sees 8, 9, 10
    CHECK(chunked.local_decode_kv_tokens == 3);
    CHECK(chunked.decode_kv_tokens == 11);
    BatchShape sliding;
    sliding.local_window = 4;
    sliding.add_prefill_chunk(0, 6, false);  // 1,2,3,4,4,4
    CHECK(sliding.local_prefill_attn_pairs == Approx(18));

    // Gemma 3: global layers attend the whole context, local layers at most 1024 keys.
    const auto m = resolve_model("gemma-3-27b");
    InferenceParallel par;
    BatchShape b;
    b.set_spans(attention_spans(m));
    b.add_decode(9999);
    const auto ops = build_forward_ops(m, shard_model(m, par), par, Precision::from_dtype(DType::bf16), b);
    const Op& global = find_op(ops, "attn_decode", OpLayers::global_attention);
    const Op& local = find_op(ops, "attn_decode", OpLayers::local_attention);
    CHECK(global.flops == Approx(4.0 * 128 * 32 * 10000));
    CHECK(local.flops == Approx(4.0 * 128 * 32 * 1024));
    for (const char* name : {"qk_norm", "pre_mlp_norm", "post_mlp_norm", "post_attn_norm"})
        CHECK_NOTHROW(find_op(ops, name));
}

TEST_CASE("mixed layers: the fast pass prices each stage like the op-by-op breakdown", "[models][families][cost]") {
    const auto dev = hardware::resolve_device("h100");
    struct Case {
        const char* model;
        int32_t tp, pp, ep;
    };
    for (const Case c : {Case{"deepseek-v3", 8, 2, 1}, Case{"llama-4-maverick", 8, 2, 1}, Case{"gemma-3-27b", 1, 2, 1},
                         Case{"gemma-2-9b", 2, 1, 1}, Case{"qwen3-30b-a3b", 2, 1, 2}, Case{"llama-4-scout", 4, 2, 2}}) {
        INFO(c.model);
        const auto m = resolve_model(c.model);
        const models::InferenceParallel par{c.tp, c.pp, c.ep};
        sim::ForwardCost cost(sim::make_deployment(m, par, Precision::from_dtype(DType::fp8), dev),
                              hardware::CostModel(dev), sim::parse_framework_overhead("none", "t"));
        BatchShape b;
        b.set_spans(attention_spans(m));
        b.add_prefill_chunk(3000, 2048, true);
        for (int i = 0; i < 32; ++i)
            b.add_decode(20000 + 100 * i);
        const auto breakdown = cost.breakdown(b);
        const auto pass = cost.pass(b);
        for (int32_t s = 0; s < c.pp; ++s)
            CHECK(cost.stage_ns(pass, s) == Approx(breakdown.stage_time_ns[static_cast<size_t>(s)]).epsilon(1e-9));
        // Layers of different kinds cost differently, so the stage times follow the per-kind counts.
        double manual = 0;
        const auto& stage = cost.deployment().shard.stage_layers.front();
        for (const auto& o : breakdown.ops) {
            if (o.op.scope == OpScope::per_layer) manual += o.cost.time_ns * layers_running(o.op.layers, stage);
            if (o.op.scope == OpScope::first_stage) manual += o.cost.time_ns;
            if (o.op.scope == OpScope::last_stage && c.pp == 1) manual += o.cost.time_ns;
        }
        CHECK(breakdown.stage_time_ns.front() == Approx(manual).epsilon(1e-9));
    }
}

TEST_CASE("new families: bad config.json input names the JSON pointer", "[models][families][hf]") {
    Json ds = load_json_file(test::source_path("tests/data/hf/deepseek-v3.json"));
    ds.erase("kv_lora_rank");
    CHECK_THROWS_WITH(import_hf_config_json(ds, "ds.json"),
                      Catch::Contains("ds.json#/kv_lora_rank") && Catch::Contains("missing"));
    ds = load_json_file(test::source_path("tests/data/hf/deepseek-v3.json"));
    ds["qk_rope_head_dim"] = 0;
    CHECK_THROWS_WITH(import_hf_config_json(ds, "ds.json"), Catch::Contains("ds.json#/qk_rope_head_dim"));
    Json g = load_json_file(test::source_path("tests/data/hf/gemma-3-27b-it.json"));
    g["text_config"]["num_key_value_heads"] = 5;
    CHECK_THROWS_WITH(import_hf_config_json(g, "g.json"),
                      Catch::Contains("g.json#/text_config/num_key_value_heads") && Catch::Contains("32"));
    Json l = load_json_file(test::source_path("tests/data/hf/llama-4-scout.json"));
    l["text_config"]["no_rope_layers"][0] = 0;
    CHECK_THROWS_WITH(import_hf_config_json(l, "l.json"), Catch::Contains("l.json#/text_config/no_rope_layers"));
    Json q = load_json_file(test::source_path("tests/data/hf/qwen3-30b-a3b.json"));
    q.erase("moe_intermediate_size");
    CHECK_THROWS_WITH(import_hf_config_json(q, "q.json"), Catch::Contains("q.json#/moe_intermediate_size"));
    // DeepSeek-V2-Lite style: no query latent (q_lora_rank null), the query projection is sharded by heads.
    Json v2 = load_json_file(test::source_path("tests/data/hf/deepseek-v3.json"));
    v2["model_type"] = "deepseek_v2";
    v2["q_lora_rank"] = nullptr;
    const ModelSpec lite = import_hf_config_json(v2, "v2.json");
    CHECK(lite.mla.q_lora_rank == 0);
    CHECK(lite.attention_replicated_params_per_layer() == 7168 * 576 + 512);
    CHECK(lite.attention_params_per_layer() ==
          lite.attention_replicated_params_per_layer() + 7168LL * 128 * 192 + 512LL * 128 * 256 + 128LL * 128 * 7168);
    // Training prices one repeated layer: latent attention and mixed stacks are refused, not mispriced.
    TrainingParallel tp;
    CHECK_THROWS_WITH(shard_for_training(resolve_model("deepseek-v3"), tp), Catch::Contains("MLA"));
    CHECK_NOTHROW(shard_for_training(resolve_model("qwen3-8b"), tp));
}
