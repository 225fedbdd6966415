// ShadowKV (policies/kv/compression/shadowkv.cpp): hand-computed GPU bytes per token, decode reads, host-link fetch
// and key-rebuild work on Llama-3.1-8B (8 KV heads x 128 = 1,024 key channels, 32 layers, 16-bit: a dense token is
// 2 x 1,024 x 2 bytes x 32 layers = 131,072 bytes), monotonicity, and bad input.
#include <catch2/catch.hpp>

#include "common/error.hpp"
#include "hardware/catalogue.hpp"
#include "models/layer_ops.hpp"
#include "models/presets.hpp"
#include "policies/kv/compression/kv_policy.hpp"
#include "sim/cost/forward_cost.hpp"
#include "sim/serving/kv_capacity.hpp"
#include "tests/unit/kv_policy_checks.hpp"

using namespace llmsim;

namespace {

constexpr int64_t kContext = 131072;
constexpr double kDenseTokenBytes = 2.0 * 1024 * 2 * 32;

policies::KvPolicySetup build(const std::string& policy, const std::string& format = "",
                              const std::string& model = "llama-3.1-8b") {
    auto prec = models::Precision::from_dtype(DType::fp16);
    auto opt = [](const std::string& t) { return t.empty() ? std::nullopt : std::optional<std::string>(t); };
    return policies::make_kv_policy(opt(policy), "--kv-policy", opt(format), "--kv-dtype", models::resolve_model(model),
                                    kContext, prec);
}

sim::ForwardCost cost_of(const models::KvRetention& r,
                         const hardware::DeviceSpec& device = hardware::resolve_device("a100-sxm-80gb")) {
    const auto model = models::resolve_model("llama-3.1-8b");
    auto dep = sim::make_deployment(model, {}, models::Precision::from_dtype(DType::fp16), device);
    dep.kv_retention = r;
    return {dep, hardware::CostModel(device), sim::FrameworkOverhead{}};
}

models::BatchShape decodes(const models::KvRetention& r, int seqs, int64_t context) {
    models::BatchShape b;
    b.set_spans(models::attention_spans(models::resolve_model("llama-3.1-8b"), r));
    for (int i = 0; i < seqs; ++i)
        b.add_decode(context);
    return b;
}

const sim::OpTiming& op_named(const sim::ForwardBreakdown& b, std::string_view name) {
    for (const auto& o : b.ops)
        if (o.op.name == name) return o;
    FAIL("no op " << name);
    return b.ops.front();
}

void expect_usage_error(const std::string& policy, const std::string& format, const std::string& flag,
                        const std::string& value) {
    test::expect_kv_usage_error(policy, format, "llama-3.1-8b", kContext, flag, value);
}

}  // namespace

TEST_CASE("shadowkv GPU bytes per token = low-rank keys + landmarks + outliers + the selected budget",
          "[kv_policy][shadowkv][analytic]") {
    // rank 160: 160 x 2 bytes x 32 layers = 10,240 bytes per token; landmarks: 1,024 x 2 bytes / 8 tokens x 32 layers
    // = 8,192; the 2,048-token budget over 131,072 tokens: 2,048 dense tokens / 131,072 = 2,048 bytes per token.
    const auto s = build("shadowkv:rank=160,budget=2048,chunk=8,outliers=0,reuse=0.5");
    const auto e = policies::kv_policy_effect(s, kDenseTokenBytes, 2.0, kContext);
    CHECK(e.bytes_per_token_effective == Approx(10240.0 + 8192.0 + 2048.0));
    CHECK(e.compression_ratio == Approx(131072.0 / 20480.0));  // 6.4x
    // Outliers are kept whole: 1/128 of the tokens (1,024) adds 1/128 of a dense token (1,024 bytes).
    const auto o = build("shadowkv:rank=160,budget=2048,chunk=8,outliers=0.0078125,reuse=0.5");
    CHECK(policies::kv_policy_effect(o, kDenseTokenBytes, 2.0, kContext).bytes_per_token_effective ==
          Approx(20480.0 + 1024.0));
    // Attention reads the budget, the landmarks (half a dense token per 8) and nothing of the low-rank factors.
    CHECK(s.retention.read_tokens(kContext) == 2048 + kContext / 16);
    // Half the budget is refreshed each step.
    CHECK(s.retention.refresh_tokens(kContext) == 1024);
}

TEST_CASE("shadowkv decode: host fetch = refreshed tokens x value bytes over PCIe, overlapped with the key rebuild",
          "[kv_policy][shadowkv][analytic]") {
    const auto s = build("shadowkv:rank=160,budget=2048,chunk=8,outliers=0,reuse=0.5");
    auto cost = cost_of(s.retention);
    const auto b = cost.breakdown(decodes(s.retention, 1, kContext - 1));
    const auto& rebuild = op_named(b, "kv_rebuild");
    // Per layer: 1,024 refreshed tokens x 1,024 value channels x 2 bytes = 2 MiB over A100's 32 GB/s PCIe 4.0 link
    // (5 us latency); the rebuild GEMM (1,024 x 160 x 1,024) is far shorter, so the fetch sets the op's time.
    const double host_bytes = 1024.0 * 1024 * 2;
    CHECK(rebuild.op.host_bytes == Approx(host_bytes));
    CHECK(rebuild.op.flops == Approx(2.0 * 1024 * 1024 * 160));
    CHECK(rebuild.op.m == 1024);
    CHECK(rebuild.cost.bound == hardware::Bound::communication);
    CHECK(rebuild.cost.time_ns == Approx(5000.0 + host_bytes / 32e9 * 1e9));
    // The decode attention reads the budget and the landmarks: 2,048 + 8,192 dense-token equivalents per layer.
    const auto& attn = op_named(b, "attn_decode");
    const double kv_token_layer_bytes = 2.0 * 1024 * 2;
    CHECK(attn.op.bytes > (2048.0 + 8192.0) * kv_token_layer_bytes);
    CHECK(attn.op.bytes < (2048.0 + 8192.0 + 2) * kv_token_layer_bytes + 4096.0 * 2 * 2);
    // The full cache reads 131,072 tokens per layer instead.
    auto full = cost_of({});
    CHECK(op_named(full.breakdown(decodes({}, 1, kContext - 1)), "attn_decode").op.bytes > 10 * attn.op.bytes);
    // Under CUDA-graph padding the rebuild, like attention, sees only the real sequences.
    sim::KernelExecution graphs;
    graphs.graph_max_tokens = 512;
    const auto model = models::resolve_model("llama-3.1-8b");
    const auto device = hardware::resolve_device("a100-sxm-80gb");
    auto dep = sim::make_deployment(model, {}, models::Precision::from_dtype(DType::fp16), device);
    dep.kv_retention = s.retention;
    const sim::ForwardCost padded(dep, hardware::CostModel(device), sim::FrameworkOverhead{}, graphs);
    CHECK(op_named(padded.breakdown(decodes(s.retention, 3, kContext - 1)), "kv_rebuild").op.m == 3 * 1024);
    // Without a host link the fetch is refused with the flag named.
    CHECK_THROWS_AS(policies::require_host_link(s, 0, "no-link", "--kv-policy"), UsageError);
    CHECK_NOTHROW(policies::require_host_link(build(""), 0, "no-link", "--kv-policy"));
}

TEST_CASE("shadowkv: a smaller rank never lowers the max batch; a larger budget never shortens a step",
          "[kv_policy][shadowkv][monotonic]") {
    const auto model = models::resolve_model("llama-3.1-8b");
    const auto device = hardware::resolve_device("a100-sxm-80gb");
    auto dep = sim::make_deployment(model, {}, models::Precision::from_dtype(DType::fp16), device);
    const auto cap = sim::kv_capacity(dep, device, 0.9, 16, 8192, 256);
    auto max_batch = [&](const models::KvRetention& r) { return cap.blocks / ((r.stored_tokens(kContext) + 15) / 16); };
    const int64_t full = max_batch({});
    int64_t last = 0;
    for (const int rank : {1024, 512, 256, 160, 64, 1}) {
        const int64_t b = max_batch(build("shadowkv:rank=" + std::to_string(rank)).retention);
        INFO("rank " << rank << ": " << b);
        CHECK(b >= last);
        CHECK(b > full);
        last = b;
    }
    double last_ns = 0;
    for (const std::string budget : {"0.005", "0.0156", "0.05", "0.2", "1"}) {
        const auto r = build("shadowkv:budget=" + budget).retention;
        auto cost = cost_of(r);
        const double ns = cost.iteration_ns(decodes(r, 8, kContext - 1));
        INFO("budget " << budget << ": " << ns);
        CHECK(ns >= last_ns);
        last_ns = ns;
    }
    // A slower host link never shortens a step, and at a large budget it lengthens it.
    const auto r = build("shadowkv:budget=0.2").retention;
    double prev_ns = 0;
    for (const double scale : {4.0, 1.0, 0.25}) {
        auto d = device;
        d.host.bandwidth_bytes_per_s *= scale;
        auto cost = cost_of(r, d);
        const double ns = cost.iteration_ns(decodes(r, 8, kContext - 1));
        INFO("host link x" << scale << ": " << ns);
        CHECK(ns > prev_ns);
        prev_ns = ns;
    }
}

TEST_CASE("bad shadowkv input names the flag and the value", "[kv_policy][shadowkv][errors]") {
    expect_usage_error("shadowkv:rank=0", "", "--kv-policy", "'0'");
    expect_usage_error("shadowkv:rank=1025", "", "--kv-policy", "'1025'");  // 8 KV heads x 128
    expect_usage_error("shadowkv:budget=0", "", "--kv-policy", "'0'");
    expect_usage_error("shadowkv:budget=-0.1", "", "--kv-policy", "'-0.1'");
    expect_usage_error("shadowkv:budget=2.5", "", "--kv-policy", "'2.5'");
    expect_usage_error("shadowkv:budget=200000", "", "--kv-policy", "'200000'");
    expect_usage_error("shadowkv:chunk=0", "", "--kv-policy", "'0'");
    expect_usage_error("shadowkv:reuse=1", "", "--kv-policy", "'1'");
    expect_usage_error("shadowkv:outliers=2", "", "--kv-policy", "'2'");
    // The paper keeps 16-bit caches: a quantized KV format is not a combination it supports.
    expect_usage_error("shadowkv", "int4:group=32", "--kv-policy", "16 bits");
    expect_usage_error("shadowkv", "fp8", "--kv-policy", "16 bits");
}
