// How an engine runs its kernels (sim/cost/kernel_execution.*): CUDA-graph padding, the memory-bound ceiling and
// GQA-packed decode, each against a hand-computed expectation; the memoised pass() agrees with breakdown().
#include <algorithm>
#include <catch2/catch.hpp>
#include <string_view>

#include "common/json_io.hpp"
#include "hardware/catalogue.hpp"
#include "hardware/cost_model.hpp"
#include "models/presets.hpp"
#include "sim/cost/forward_cost.hpp"
#include "sim/cost/kernel_execution.hpp"

using namespace llmsim;
using namespace llmsim::hardware;

namespace {

sim::ForwardCost cost_on(const DeviceSpec& dev, const std::string& model, sim::KernelExecution k, int32_t tp = 1) {
    models::InferenceParallel par;
    par.tp = tp;
    return sim::ForwardCost(
        sim::make_deployment(models::resolve_model(model), par, models::Precision::from_dtype(DType::fp16), dev),
        CostModel(dev), sim::parse_framework_overhead("none", "t"), k);
}

sim::OpTiming timing(const sim::ForwardBreakdown& b, std::string_view name) {
    const auto it = std::find_if(b.ops.begin(), b.ops.end(), [&](const sim::OpTiming& o) { return o.op.name == name; });
    REQUIRE(it != b.ops.end());
    return *it;
}

bool is_attention(const models::Op& op) {
    return op.op_class == OpClass::attn_prefill || op.op_class == OpClass::attn_decode;
}

models::BatchShape decodes(int n, int64_t context) {
    models::BatchShape b;
    for (int i = 0; i < n; ++i)
        b.add_decode(context);
    return b;
}

}  // namespace

TEST_CASE("cuda graph padding: vLLM's capture sizes up to the largest graph", "[kernels][graphs]") {
    const std::vector<std::pair<int64_t, int64_t>> cases = {
        {1, 1},     {2, 2},     {3, 4},     {4, 4},     {5, 8},     {8, 8},     {9, 16},    {249, 256},
        {256, 256}, {257, 272}, {272, 272}, {273, 288}, {500, 512}, {512, 512}, {513, 513}, {4096, 4096}};
    for (const auto& [tokens, padded] : cases) {
        INFO(tokens << " tokens");
        CHECK(sim::cuda_graph_padded_tokens(tokens, 512) == padded);
        CHECK(sim::cuda_graph_padded_tokens(tokens, 0) == tokens);  // no graphs
    }
    // The largest capture is the limit itself, whatever its alignment.
    CHECK(sim::cuda_graph_padded_tokens(250, 250) == 250);
    CHECK(sim::cuda_graph_padded_tokens(249, 250) == 250);
    CHECK(sim::cuda_graph_padded_tokens(251, 250) == 251);
}

TEST_CASE("cuda graph padding raises the non-attention ops to the padded size, nothing else", "[kernels][graphs]") {
    const DeviceSpec dev = resolve_device("h100-sxm");
    sim::KernelExecution graphs;
    graphs.graph_max_tokens = 512;
    const auto with = cost_on(dev, "llama-3-8b", graphs);
    const auto without = cost_on(dev, "llama-3-8b", {});

    // 3 decodes replay the 4-token graph: the token-proportional ops cost what 4 tokens cost; attention and the LM
    // head (last stage) see the 3 real sequences.
    const auto b3 = with.breakdown(decodes(3, 700));
    const auto plain3 = without.breakdown(decodes(3, 700));
    const auto plain4 = without.breakdown(decodes(4, 700));
    REQUIRE(b3.ops.size() == plain3.ops.size());
    int padded_ops = 0;
    for (size_t i = 0; i < b3.ops.size(); ++i) {
        const auto& op = b3.ops[i];
        INFO(op.op.name);
        if (is_attention(op.op) || op.op.scope == models::OpScope::last_stage) {
            CHECK(op.cost.time_ns == plain3.ops[i].cost.time_ns);
        } else {
            CHECK(op.cost.time_ns == timing(plain4, op.op.name).cost.time_ns);
            ++padded_ops;
        }
    }
    CHECK(padded_ops > 5);
    CHECK(b3.forward_time_ns > plain3.forward_time_ns);

    // Above the largest graph, and at a captured size, nothing changes.
    for (int64_t n : {int64_t{512}, int64_t{513}, int64_t{2000}}) {
        models::BatchShape b;
        b.add_prefill_chunk(0, n, true);
        CHECK(with.breakdown(b).total_time_ns == without.breakdown(b).total_time_ns);
    }
}

TEST_CASE("cuda graph padding: the memoised pass agrees with the breakdown", "[kernels][graphs]") {
    const DeviceSpec dev = resolve_device("h100-sxm");
    sim::KernelExecution k;  // everything an engine preset turns on
    k.graph_max_tokens = 512;
    k.memory_efficiency_ceiling = 0.85;
    k.gqa_packed_decode = true;
    k.all_reduce = sim::AllReduceImpl::custom;
    for (int tp : {1, 2}) {
        auto cost = cost_on(dev, "llama-3-8b", k, tp);
        std::vector<models::BatchShape> batches = {decodes(1, 100), decodes(3, 700), decodes(249, 300)};
        models::BatchShape mixed = decodes(40, 500);
        mixed.add_prefill_chunk(0, 217, true);  // 257 tokens -> the 272 graph
        batches.push_back(mixed);
        models::BatchShape big;
        big.add_prefill_chunk(0, 600, true);
        batches.push_back(big);
        for (const auto& b : batches) {
            INFO("tp " << tp << ", " << b.total_tokens() << " tokens");
            CHECK(cost.iteration_ns(b) == Approx(cost.breakdown(b).total_time_ns).epsilon(1e-9));
        }
    }
}

namespace {

// Memory-bound kernels on a 1 TB/s device: gemm's curve peaks at 0.7, elementwise at 0.9, the named op "rope" at
// 0.5; attn_decode has a 100 ns per-row setup.
DeviceSpec curve_device() {
    const char* text = R"({"schema_version": 1, "id": "curves", "peak_flops": {"fp16": "1000TFLOPS"},
      "memory": {"capacity": "80GiB", "bandwidth": "1TB/s"},
      "interconnect": {"intra_node": {"kind": "nvswitch", "bandwidth": "100GB/s", "latency": "2us",
                                      "devices_per_node": 8}},
      "calibration": {"kernels": {
        "gemm": {"overhead": "0ns", "compute_efficiency_by_flops_per_row": 1,
                 "memory_efficiency_by_bytes": [[1e6, 0.35], [1e8, 0.7]]},
        "elementwise": {"overhead": "0ns", "compute_efficiency_by_flops_per_row": 1,
                        "memory_efficiency_by_bytes": [[1e6, 0.45], [1e8, 0.9]]},
        "rope": {"overhead": "0ns", "compute_efficiency_by_flops_per_row": 1,
                 "memory_efficiency_by_bytes": [[1e6, 0.25], [1e8, 0.5]]},
        "attn_decode": {"overhead": "3us", "row_overhead": "100ns", "compute_efficiency_by_flops_per_row": 1,
                        "memory_efficiency_by_bytes": 1}
      }}})";
    return device_from_json(Json::parse(text), "curves.json");
}

// Effective memory efficiency of a memory-bound launch of `bytes` (1 TB/s peak).
double efficiency(const CostModel& m, OpClass cls, std::string_view name, double bytes) {
    return bytes / (m.kernel(cls, name, DType::fp16, 0, bytes).memory_ns * 1e-9) / 1e12;
}

}  // namespace

TEST_CASE("memory ceiling: curves below it are raised keeping their shape, curves above are unchanged",
          "[kernels][ceiling]") {
    const CostModel base(curve_device());
    const CostModel raised = base.with_memory_ceiling(0.85);
    for (double bytes : {1e6, 1e7, 1e8, 1e9}) {
        INFO(bytes << " bytes");
        // gemm: max 0.7 -> 0.85, every point x 0.85/0.7 (so the ratio between sizes is kept).
        CHECK(efficiency(raised, OpClass::gemm, "x", bytes) ==
              Approx(efficiency(base, OpClass::gemm, "x", bytes) * 0.85 / 0.7));
        // A named op's curve is raised too: 0.5 -> 0.85.
        CHECK(efficiency(raised, OpClass::elementwise, "rope", bytes) ==
              Approx(efficiency(base, OpClass::elementwise, "rope", bytes) * 0.85 / 0.5));
        // elementwise already reaches 0.9: unchanged.
        CHECK(efficiency(raised, OpClass::elementwise, "x", bytes) ==
              efficiency(base, OpClass::elementwise, "x", bytes));
    }
    CHECK(efficiency(raised, OpClass::gemm, "x", 1e8) == Approx(0.85));
    CHECK(efficiency(raised, OpClass::gemm, "x", 1e6) == Approx(0.425));
    // The ratio of small to large sizes is kept.
    CHECK(efficiency(raised, OpClass::gemm, "x", 1e6) / efficiency(raised, OpClass::gemm, "x", 1e8) == Approx(0.5));
    // A ceiling of 1 raises everything to a peak of 1, compute is untouched.
    const CostModel full = base.with_memory_ceiling(1.0);
    CHECK(efficiency(full, OpClass::elementwise, "x", 1e8) == Approx(1.0));
    CHECK(full.kernel(OpClass::gemm, "x", DType::fp16, 1e12, 0).compute_ns ==
          base.kernel(OpClass::gemm, "x", DType::fp16, 1e12, 0).compute_ns);

    // ForwardCost applies it from KernelExecution.
    sim::KernelExecution k;
    k.memory_efficiency_ceiling = 0.85;
    const auto with = cost_on(curve_device(), "llama-3-8b", k);
    const auto without = cost_on(curve_device(), "llama-3-8b", {});
    const auto b = decodes(1, 100);
    const auto up = timing(with.breakdown(b), "mlp_up_proj");
    const auto plain_up = timing(without.breakdown(b), "mlp_up_proj");
    CHECK(up.cost.memory_ns == Approx(plain_up.cost.memory_ns * 0.7 / 0.85));
}

TEST_CASE("gqa-packed decode: per-row setup bounds the kernel instead of adding to it", "[kernels][gqa]") {
    const CostModel m(curve_device());
    // 1 MB at 1 TB/s = 1 us of memory; rows x 100 ns of setup; 3 us launch overhead.
    const auto plain = m.kernel(OpClass::attn_decode, "attn_decode", DType::fp16, 0, 1e6, 1, 64);
    CHECK(plain.time_ns == Approx(1e3 + 64 * 100 + 3e3));
    const auto few_rows = m.kernel(OpClass::attn_decode, "attn_decode", DType::fp16, 0, 1e6, 1, 4, true);
    CHECK(few_rows.time_ns == Approx(std::max(1e3, 4 * 100.0) + 3e3));  // setup hidden under the stream
    const auto many_rows = m.kernel(OpClass::attn_decode, "attn_decode", DType::fp16, 0, 1e6, 1, 64, true);
    CHECK(many_rows.time_ns == Approx(std::max(1e3, 64 * 100.0) + 3e3));  // setup is the bound
    CHECK(many_rows.overhead_ns == Approx(3e3));
}

TEST_CASE("gqa-packed decode: one row per KV head, not per query head", "[kernels][gqa]") {
    // Llama-3-8B: 32 query heads, 8 KV heads.
    const DeviceSpec dev = curve_device();
    sim::KernelExecution k;
    k.gqa_packed_decode = true;
    auto packed = cost_on(dev, "llama-3-8b", k);
    auto plain = cost_on(dev, "llama-3-8b", {});
    const auto model = models::resolve_model("llama-3-8b");
    REQUIRE(model.num_heads == 32);
    REQUIRE(model.num_kv_heads == 8);
    for (const auto& [seqs, context] : {std::pair{16, 100}, std::pair{16, 20000}}) {
        INFO(seqs << " decodes at context " << context);
        const auto b = decodes(seqs, context);
        const auto p = timing(plain.breakdown(b), "attn_decode");
        const auto q = timing(packed.breakdown(b), "attn_decode");
        CHECK(p.op.rows == seqs * 32);
        const double row_ns = 100;
        const double launch_ns = 3e3 * p.op.kernels;
        // Plain: rows per query head, setup added. Packed: rows per KV head, setup bounds.
        CHECK(p.cost.time_ns == Approx(std::max(p.cost.compute_ns, p.cost.memory_ns) + launch_ns + seqs * 32 * row_ns));
        CHECK(q.cost.time_ns == Approx(std::max({q.cost.compute_ns, q.cost.memory_ns, seqs * 8 * row_ns}) + launch_ns));
        CHECK(q.cost.memory_ns == Approx(p.cost.memory_ns));
        CHECK(q.cost.time_ns < p.cost.time_ns);
        // The memoised pass prices attention the same way.
        CHECK(packed.iteration_ns(b) == Approx(packed.breakdown(b).total_time_ns).epsilon(1e-9));
    }
}
