// The benchmark plans: every model-op case carries exactly the FLOPs/bytes/rows the simulator's op model prices,
// the quick CPU plan covers every op of the real transformer with enough points to fit it, and the GPU side turns
// planned cases into rows that calibrate into a profile (driven here by a fake runner: no GPU needed).
#include <catch2/catch.hpp>
#include <map>
#include <set>

#include "common/error.hpp"
#include "hardware/calibration/calibrate.hpp"
#include "hardware/catalogue.hpp"
#include "models/layer_ops.hpp"
#include "models/presets.hpp"
#include "tools/bench/gpu_case_runner.hpp"
#include "tools/bench/host_device.hpp"
#include "tools/bench/kernel_plan.hpp"

namespace {

using llmsim::bench::CaseKind;
using llmsim::bench::KernelCase;
using llmsim::bench::PlanOptions;

PlanOptions tiny_plan(bool quick) {
    PlanOptions o;
    o.quick = quick;
    o.families = {llmsim::models::resolve_model("llama-tiny-15m"), llmsim::models::resolve_model("llama-tiny-110m")};
    o.gemm_dtypes = {llmsim::DType::fp32, llmsim::DType::bf16};
    return o;
}

// A GPU that runs everything at a fixed fraction of an A100's peaks, plus fixed latencies.
class FakeGpu final : public llmsim::bench::GpuKernelRunner {
  public:
    [[nodiscard]] std::string device_name() const override { return "Fake GPU"; }
    [[nodiscard]] int32_t nccl_gpus() const override { return 8; }
    llmsim::bench::TimingResult gemm(int64_t m, int64_t n, int64_t k, llmsim::DType dtype,
                                     const llmsim::bench::TimingOptions&) override {
        const double flops = 2.0 * m * n * k;
        const double bytes = (static_cast<double>(m) * k + static_cast<double>(k) * n + static_cast<double>(m) * n) *
                             llmsim::dtype_bytes(dtype);
        return at(5000 + std::max(flops / 200e12, bytes / 1.6e12) * 1e9);
    }
    llmsim::bench::TimingResult copy(llmsim::bench::CopyKind kind, int64_t bytes,
                                     const llmsim::bench::TimingOptions&) override {
        const double bw = kind == llmsim::bench::CopyKind::d2d ? 0.8e12 : 25e9;
        return at(8000 + static_cast<double>(bytes) / bw * 1e9);
    }
    llmsim::bench::TimingResult decode_attention(int32_t seqs, int32_t context, int32_t, int32_t kv_heads,
                                                 int32_t head_dim, const llmsim::bench::TimingOptions&) override {
        return at(6000 + 4.0 * seqs * (context + 1) * kv_heads * head_dim / 1.2e12 * 1e9);
    }
    llmsim::bench::TimingResult all_reduce(int32_t gpus, int64_t bytes, const llmsim::bench::TimingOptions&) override {
        return at(20000 + 2.0 * (gpus - 1) / gpus * static_cast<double>(bytes) / 200e9 * 1e9);
    }
    int calls = 0;

  private:
    llmsim::bench::TimingResult at(double ns) {
        ++calls;
        return {ns, 0.97 * ns, 5};
    }
};

}  // namespace

TEST_CASE("calibration: Planned model ops carry the op model's FLOPs and bytes and rows", "[calibration][bench]") {
    const auto plan = llmsim::bench::plan_cpu_kernels(tiny_plan(true));
    const auto spec = llmsim::models::resolve_model("llama-tiny-110m");
    const llmsim::models::InferenceParallel par;
    size_t checked = 0;
    for (const KernelCase& c : plan) {
        if (c.kind != CaseKind::model_op || c.row.tag != "llama-tiny-110m" || c.row.dtype != llmsim::DType::fp32)
            continue;
        llmsim::models::BatchShape b;
        if (c.row.op_class == llmsim::OpClass::attn_decode) {
            for (int64_t i = 0; i < c.seqs; ++i)
                b.add_decode(c.context);
        } else if (c.row.op_class == llmsim::OpClass::attn_prefill) {
            for (int64_t i = 0; i < c.seqs; ++i)
                b.add_prefill_chunk(c.context, c.new_tokens, false);
        } else {
            b.add_prefill_chunk(0, c.new_tokens, false);
            if (c.row.op_name == "lm_head" || c.row.op_name == "final_norm")
                b.logits_seqs = static_cast<int32_t>(c.seqs);
        }
        const auto ops =
            llmsim::models::build_forward_ops(spec, llmsim::models::shard_model(spec, par), par,
                                              llmsim::models::Precision::from_dtype(llmsim::DType::fp32), b);
        for (const auto& op : ops) {
            if (op.name != c.row.op_name) continue;
            CHECK(c.row.flops == Approx(op.flops / op.kernels));
            CHECK(c.row.bytes == Approx(op.bytes / op.kernels));
            CHECK(c.row.rows == Approx(std::max(1.0, op.rows / op.kernels)));
            ++checked;
        }
    }
    CHECK(checked > 100);
}

TEST_CASE("calibration: The quick CPU plan covers every op of the real transformer with enough points",
          "[calibration][bench]") {
    const auto plan = llmsim::bench::plan_cpu_kernels(tiny_plan(true));
    std::map<std::string, int> per_name;
    std::map<llmsim::OpClass, int> per_class;
    for (const auto& c : plan) {
        per_name[c.row.op_name]++;
        per_class[c.row.op_class]++;
    }
    // Element-wise op names get their own curves from 8 points (calibrate's named-override threshold).
    for (const char* name : {"input_norm", "post_attn_norm", "final_norm", "rope", "mlp_act", "residual_add", "copy",
                             "triad", "embedding"}) {
        INFO(name);
        CHECK(per_name[name] >= 8);
    }
    for (const char* name : {"qkv_proj", "o_proj", "mlp_up_proj", "mlp_down_proj", "lm_head"})
        CHECK(per_name[name] >= 10);
    CHECK(per_class[llmsim::OpClass::attn_decode] >= 8);
    CHECK(per_class[llmsim::OpClass::attn_prefill] >= 8);
    CHECK(plan.size() < llmsim::bench::plan_cpu_kernels(tiny_plan(false)).size());
}

TEST_CASE("calibration: GPU cases run through a runner and calibrate into a profile", "[calibration][bench]") {
    PlanOptions o;
    o.quick = true;
    o.families = {llmsim::models::resolve_model("llama-2-7b")};
    o.gemm_dtypes = {llmsim::DType::fp16, llmsim::DType::bf16};
    FakeGpu gpu;
    const auto cases = llmsim::bench::plan_cuda_kernels(o, gpu.nccl_gpus());
    const auto rows = llmsim::bench::run_gpu_cases(cases, o.families, gpu, gpu.device_name(), {});
    REQUIRE(rows.size() == cases.size());
    CHECK(gpu.calls == static_cast<int>(cases.size()));
    std::set<std::string> names;
    for (const auto& r : rows) {
        CHECK(r.backend == "cuda");
        CHECK(r.device == "Fake GPU");
        names.insert(r.op_name);
    }
    for (const char* n : {"qkv_proj", "lm_head", "attn_decode", "memcpy_h2d", "memcpy_d2h", "copy", "all_reduce"}) {
        CHECK(names.count(n) == 1);
    }
    auto base = llmsim::hardware::resolve_device("a100-sxm-80gb");
    const auto result = llmsim::hardware::calibrate(base, rows, {});
    CHECK(result.device.kernels.count("gemm") == 1);
    CHECK(result.device.kernels.count("attn_decode") == 1);
    CHECK(result.device.host.bandwidth_bytes_per_s == Approx(25e9).epsilon(0.1));
    CHECK(!result.device.intra_node_collectives.empty());
    for (const auto& g : result.groups) {
        if (g.group == "gemm") CHECK(g.in_sample.median_error < 0.05);
    }
}

TEST_CASE("calibration: The CUDA backend is refused with a reason when its plugin is absent", "[calibration][bench]") {
    setenv("LLMSIM_CUDA_PLUGIN", "/nonexistent/libllmsim_bench_cuda.so", 1);
    // The plugin may exist next to the binary in CUDA builds; without a GPU it must still fail cleanly.
    try {
        (void)llmsim::bench::load_cuda_runner(0);
        SUCCEED("a GPU and the plugin are present");
    } catch (const llmsim::UsageError& e) {
        CHECK(std::string(e.what()).find("--backend") != std::string::npos);
    }
    unsetenv("LLMSIM_CUDA_PLUGIN");
}
