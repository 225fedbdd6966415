// KV-cache policies and quantized formats: analytic checks of what they keep and read (docs/kv-policies.md), the
// capacity they buy, and bad parameters.
#include <catch2/catch.hpp>

#include "common/error.hpp"
#include "hardware/catalogue.hpp"
#include "models/layer_ops.hpp"
#include "models/presets.hpp"
#include "policies/kv/compression/kv_policy.hpp"
#include "sim/serving/kv_capacity.hpp"
#include "tests/unit/kv_policy_checks.hpp"
#include "tests/unit/sim_fixture.hpp"

using namespace llmsim;

namespace {

struct Built {
    policies::KvPolicySetup setup;
    models::Precision prec;
};

Built build(const std::string& policy, const std::string& format, const std::string& model = "llama-2-7b",
            int64_t context = 4096) {
    Built b;
    b.prec = models::Precision::from_dtype(DType::fp16);
    auto opt = [](const std::string& t) { return t.empty() ? std::nullopt : std::optional<std::string>(t); };
    b.setup = policies::make_kv_policy(opt(policy), "--kv-policy", opt(format), "--kv-dtype",
                                       models::resolve_model(model), context, b.prec);
    return b;
}

// KV bytes one token of a dense cache costs on one GPU (llama-2-7b, tp 1) in the built format.
double dense_token_bytes(const Built& b, const std::string& model = "llama-2-7b") {
    const auto m = models::resolve_model(model);
    const models::InferenceParallel par;
    return models::memory_footprint(m, models::shard_model(m, par), par, b.prec).kv_bytes_per_token_per_gpu;
}

double ratio_at(const Built& b, int64_t context) {
    return policies::kv_policy_effect(b.setup, dense_token_bytes(b), b.prec.kv_bytes(), context).compression_ratio;
}

void expect_usage_error(const std::string& policy, const std::string& format, const std::string& flag,
                        const std::string& value) {
    test::expect_kv_usage_error(policy, format, "llama-2-7b", 4096, flag, value);
}

}  // namespace

TEST_CASE("KIVI 2-bit, group 32, fp16 scale and zero: 3 bits per element, 5.33x", "[kv_policy][analytic]") {
    const Built b = build("", "int2:group=32");
    CHECK(b.prec.kv_bytes() * 8 == Approx(3.0));
    CHECK(ratio_at(b, 4096) == Approx(16.0 / 3.0));
    CHECK(b.prec.kv_dequant_ops_per_element > 0);
    // 4-bit with group 128: 4.25 bits; fp8: 8 bits, no per-element work.
    CHECK(build("", "int4:group=128").prec.kv_bytes() * 8 == Approx(4.25));
    const Built fp8 = build("", "fp8");
    CHECK(fp8.prec.kv_bytes() == Approx(1.0));
    CHECK(fp8.prec.kv_dequant_ops_per_element == 0);
    // KVQuant: 1% outliers add 0.01 x (16 + 32) bits.
    CHECK(build("", "int4:group=128,outliers=0.01").prec.kv_bytes() * 8 == Approx(4.25 + 0.48));
}

TEST_CASE("KIVI residual: the newest R tokens stay 16-bit", "[kv_policy][analytic]") {
    const Built b = build("", "int2:group=32,residual=128");
    const auto& r = b.setup.retention;
    REQUIRE(r.active);
    // 1024 tokens: 896 at 3 bits + 128 at 16 bits, in 3-bit token equivalents.
    CHECK(r.stored_tokens(1024) == static_cast<int64_t>(std::ceil((896 * 3.0 + 128 * 16.0) / 3.0 - 1e-9)));
    CHECK(r.read_tokens(1024) == 1024);
}

TEST_CASE("streaming sink 4 + window 1020 reads exactly 1024 tokens per step at any context", "[kv_policy][analytic]") {
    const Built b = build("streaming:sink=4,window=1020", "");
    for (int64_t context : {1023, 1024, 5000, 32767, 1000000}) {
        models::BatchShape shape;
        shape.set_spans(models::attention_spans(models::resolve_model("llama-2-7b"), b.setup.retention));
        shape.add_decode(context);
        CHECK(shape.decode_kv_tokens == 1024);
        CHECK(b.setup.retention.stored_tokens(context + 1) == 1024);
    }
    models::BatchShape short_ctx;
    short_ctx.set_spans(models::attention_spans(models::resolve_model("llama-2-7b"), b.setup.retention));
    short_ctx.add_decode(99);
    CHECK(short_ctx.decode_kv_tokens == 100);
    // The prefill mask is Lambda-shaped too: a 4096-token prompt costs what a 1024-token window does.
    models::BatchShape prefill;
    prefill.set_spans(models::attention_spans(models::resolve_model("llama-2-7b"), b.setup.retention));
    prefill.add_prefill_chunk(0, 4096, true);
    CHECK(prefill.prefill_attn_pairs == Approx(1024.0 * 1025 / 2 + (4096 - 1024) * 1024.0));
}

TEST_CASE("a 20% budget gives 5x; scissorhands with 4-bit gives about 20x", "[kv_policy][analytic]") {
    CHECK(ratio_at(build("h2o:budget=0.2", ""), 4000) == Approx(5.0));
    CHECK(ratio_at(build("scissorhands:budget=0.2", ""), 4000) == Approx(5.0));
    // 4-bit at group 128 is 4.25 bits: 5 x 16 / 4.25.
    CHECK(ratio_at(build("scissorhands:budget=0.2", "int4:group=128"), 4000) == Approx(5 * 16 / 4.25));
    // A token budget caps the request.
    CHECK(build("h2o:budget=512", "").setup.retention.stored_tokens(4000) == 512);
}

TEST_CASE("duo with 25% retrieval heads approaches 4x at long context", "[kv_policy][analytic]") {
    const Built b = build("duo:retrieval_heads=0.25,sink=64,window=256", "", "llama-2-7b", 1 << 22);
    const double r32k = ratio_at(b, 32768);
    const double r1m = ratio_at(b, 1 << 20);
    CHECK(r32k < r1m);
    CHECK(r1m < 4.0);
    CHECK(r1m == Approx(4.0).epsilon(0.01));
    // At 4096 tokens: 0.25 + 0.75 x 320 / 4096 of the tokens.
    CHECK(ratio_at(b, 4096) == Approx(4096.0 / (0.25 * 4096 + 0.75 * 320)).epsilon(1e-3));
}

TEST_CASE("minicache merges the deeper half of the layers; memory only", "[kv_policy][analytic]") {
    const Built b = build("minicache:start=0.5,retain=0", "");
    // llama-2-7b: 32 layers, 16 merged into 8 pairs; each pair also keeps 2 magnitudes per head-dim 128 vector.
    const double scale = (16 + 8 * (1 + 2.0 / 128)) / 32;
    CHECK(b.setup.retention.memory_scale == Approx(scale));
    CHECK(b.setup.retention.read_tokens(4096) == 4096);
    CHECK(ratio_at(b, 4096) == Approx(1 / scale).epsilon(1e-3));
}

TEST_CASE("policies compose with quantization", "[kv_policy][analytic]") {
    const Built b = build("streaming:sink=4,window=1020", "int2:group=32");
    // 4096 tokens -> 1024 kept at 3 bits: 4 x 16/3.
    CHECK(ratio_at(b, 4096) == Approx(4 * 16.0 / 3.0));
    CHECK(b.setup.name == "streaming:sink=4,window=1020 + int2:group=32,outliers=0,residual=0");
}

TEST_CASE("decode attention reads and dequantization follow the policy", "[kv_policy][cost]") {
    const auto model = models::resolve_model("llama-2-7b");
    const auto device = hardware::resolve_device("a100-sxm-80gb");
    auto attn_decode = [&](const Built& b, int64_t context) {
        auto dep = sim::make_deployment(model, {}, b.prec, device);
        dep.kv_retention = b.setup.retention;
        models::BatchShape shape;
        shape.set_spans(models::attention_spans(model, b.setup.retention));
        for (int i = 0; i < 8; ++i)
            shape.add_decode(context);
        std::vector<models::Op> ops;
        models::append_attention_ops(ops, model, dep.shard, dep.precision, shape);
        REQUIRE(ops.size() == 1);
        return ops[0];
    };
    const Built off = build("", "");
    const Built stream = build("streaming:sink=4,window=1020", "");
    // Constant in context under streaming, growing without it.
    CHECK(attn_decode(stream, 8000).bytes == Approx(attn_decode(stream, 30000).bytes));
    CHECK(attn_decode(off, 30000).bytes > 3 * attn_decode(off, 8000).bytes);
    // int2 reads 3/16 of the KV bytes and does more work per element.
    const Built q = build("", "int2:group=32");
    const auto dense = attn_decode(off, 8000);
    const auto quant = attn_decode(q, 8000);
    CHECK(quant.bytes < dense.bytes * 0.25);
    CHECK(quant.flops > dense.flops);
    // H2O's score tracking adds bytes beyond the kept KV.
    const Built h = build("h2o:budget=0.2", "");
    const Built s = build("streaming:sink=0,window=1601", "");
    CHECK(attn_decode(h, 8000).bytes > attn_decode(s, 8000).bytes);
}

TEST_CASE("more compression never lowers the max batch", "[kv_policy][capacity]") {
    const auto model = models::resolve_model("llama-2-7b");
    const auto device = hardware::resolve_device("a100-sxm-80gb");
    const std::vector<std::pair<std::string, std::string>> ladder = {
        {"", "fp16"},
        {"", "int8:group=32"},
        {"", "int4:group=32"},
        {"", "int2:group=32"},
        {"streaming:sink=4,window=1020", "int2:group=32"},
        {"streaming:sink=4,window=252", "int2:group=32"},
    };
    const std::vector<std::pair<std::string, std::string>> budgets = {
        {"h2o:budget=0.8", ""}, {"h2o:budget=0.5", ""}, {"h2o:budget=0.2", ""}, {"h2o:budget=0.1", ""}};
    for (const auto* list : {&ladder, &budgets}) {
        int64_t last = 0;
        for (const auto& [policy, format] : *list) {
            const Built b = build(policy, format);
            auto dep = sim::make_deployment(model, {}, b.prec, device);
            const auto cap = sim::kv_capacity(dep, device, 0.9, 16, 8192, 256);
            const int64_t per_request = (b.setup.retention.stored_tokens(4096) + 15) / 16;
            const int64_t max_batch = cap.blocks / per_request;
            INFO(policy << " " << format << ": " << max_batch);
            CHECK(max_batch >= last);
            last = max_batch;
        }
    }
}

TEST_CASE("a streaming cache holds long requests in capped blocks", "[kv_policy][serving]") {
    const Built b = build("streaming:sink=4,window=60", "");
    auto cost = test::instant_cost();
    auto cfg = test::cluster_of("vllm", 100, 16);
    // Four requests of 200 prompt + 100 output tokens: 19 blocks each uncapped, 4 blocks capped at 64 tokens.
    auto dep = cost.deployment();
    dep.kv_retention = b.setup.retention;
    sim::ForwardCost capped(dep, cost.hardware(), cost.overhead());
    const auto w = test::workload_of({{0, 200, 100},
                                      {0, 200, 100},
                                      {0, 200, 100},
                                      {0, 200, 100},
                                      {0, 200, 100},
                                      {0, 200, 100},
                                      {0, 200, 100},
                                      {0, 200, 100}});
    const auto off_run = policies::simulate(cfg, cost, w);
    const auto on_run = policies::simulate(cfg, capped, w);
    REQUIRE(on_run.replicas.size() == 1);
    CHECK(on_run.replicas[0].kv_peak_blocks <= 8 * 4);
    CHECK(on_run.replicas[0].iterations < off_run.replicas[0].iterations);
}

TEST_CASE("bad KV policy input names the flag and the value", "[kv_policy][errors]") {
    expect_usage_error("streaming:window=0", "", "--kv-policy", "'0'");
    expect_usage_error("h2o:budget=0", "", "--kv-policy", "'0'");
    expect_usage_error("h2o:budget=-0.5", "", "--kv-policy", "'-0.5'");
    expect_usage_error("h2o:budget=5000", "", "--kv-policy", "'5000'");
    expect_usage_error("h2o:budget=12.5", "", "--kv-policy", "'12.5'");
    expect_usage_error("duo:retrieval_heads=1.5", "", "--kv-policy", "'1.5'");
    expect_usage_error("snapkv", "", "--kv-policy", "'snapkv'");
    expect_usage_error("streaming:size=4", "", "--kv-policy", "size");
    expect_usage_error("", "int2:group=48", "--kv-dtype", "'48'");
    expect_usage_error("", "int3", "--kv-dtype", "'int3'");
    expect_usage_error("", "fp8:group=32", "--kv-dtype", "group");
    expect_usage_error("minicache:start=0.99", "", "--kv-policy", "'0.99'");
    // Latent (MLA) caches are not what the policies were evaluated on.
    try {
        (void)build("streaming", "", "deepseek-v3");
        FAIL("MLA model accepted a streaming policy");
    } catch (const UsageError& e) {
        CHECK(std::string(e.what()).find("--kv-policy") != std::string::npos);
    }
}
