// Device kinds (hardware/npu.*, hardware/fpga.*): the mechanisms against hand-computed costs, and profiles of a kind
// missing that kind's required fields.
#include <catch2/catch.hpp>
#include <cmath>

#include "common/error.hpp"
#include "hardware/catalogue.hpp"
#include "hardware/cost_model.hpp"
#include "models/presets.hpp"
#include "sim/cost/forward_cost.hpp"

using namespace llmsim;
using namespace llmsim::hardware;

namespace {

sim::ForwardCost cost_on(const std::string& hardware, DType dtype, const std::string& model = "llama-2-7b") {
    const DeviceSpec device = resolve_device(hardware);
    auto dep = sim::make_deployment(models::resolve_model(model), {}, models::Precision::from_dtype(dtype), device);
    return sim::ForwardCost(dep, CostModel(device), sim::parse_framework_overhead("0", "test"));
}

void rejects(const Json& j, const std::string& key) {
    try {
        (void)device_from_json(j, "dev.json");
        FAIL("accepted " << j.dump());
    } catch (const InputError& e) {
        const std::string what = e.what();
        CHECK(what.find("dev.json") != std::string::npos);
        CHECK(what.find(key) != std::string::npos);
    }
}

Json preset_json(const std::string& id) {
    return Json::parse(device_to_json(resolve_device(id)).dump());
}

}  // namespace

TEST_CASE("fpga: batch-1 decode is bound by HBM weight reads divided by the sparsity speed-up", "[hardware][fpga][analytic]") {
    // Alveo U280: 460 GB/s at 0.9 (its stated curve), int8 weights stored at 4 bits, 2:4 sparsity at 0.9 of the
    // ideal 2x: a GEMM reads bytes x (4/8) / 1.8. One Llama-2-7B decode GEMM of 4096x4096 at batch 1.
    const CostModel u280(resolve_device("u280"));
    const double k = 4096, n = 4096;
    const double bytes = k * n + 2 * k;  // int8 weights + activations in and out
    const double flops = 2 * k * n;
    const OpCost c = u280.kernel(OpClass::gemm, "o_proj", DType::int8, flops, bytes, 1, 1);
    const double read_ns = bytes * (4.0 / 8.0) / 1.8 / (460e9 * 0.9) * 1e9;
    CHECK(c.memory_ns == Approx(read_ns).epsilon(1e-9));
    CHECK(c.compute_ns == Approx(flops / 1.8 / (8.1216e12 * 0.9) * 1e9).epsilon(1e-9));
    CHECK(c.bound == Bound::memory);
    CHECK(c.time_ns == Approx(read_ns + 500).epsilon(1e-9));

    // The whole step: the weights (6.74e9 parameters, int8) read at that rate bound it from below; launch overheads
    // and attention add at most 25%.
    auto cost = cost_on("u280", DType::int8);
    models::BatchShape decode;
    decode.set_spans(models::attention_spans(cost.deployment().model));
    decode.add_decode(128);
    const double step_ms = cost.iteration_ns(decode) * 1e-6;
    // 32 layers x (4 x 4096^2 + 3 x 4096 x 11008) + the 32000 x 4096 LM head = 6.607e9 weights read per token.
    const double floor_ms = 6.607e9 * (4.0 / 8.0) / 1.8 / (460e9 * 0.9) * 1e3;
    INFO("u280 decode " << step_ms << " ms, weight-read floor " << floor_ms << " ms");
    CHECK(step_ms >= floor_ms);
    CHECK(step_ms <= floor_ms * 1.25);
}

TEST_CASE("fpga: always-on-chip activations and length-adaptive compilation", "[hardware][fpga]") {
    const CostModel u280(resolve_device("u280"));
    // 1 MB of activations fits the 41 MB on chip: no HBM time; 100 MB does not.
    CHECK(u280.kernel(OpClass::elementwise, "residual_add", DType::int8, 1e5, 1e6).memory_ns == 0.0);
    CHECK(u280.kernel(OpClass::elementwise, "residual_add", DType::int8, 1e5, 1e8).memory_ns > 0.0);
    FpgaSpec f = *resolve_device("u280").fpga;
    CHECK(fpga_compiled_tokens(f, 300) == 300);
    f.length_adaptive = false;
    CHECK(fpga_compiled_tokens(f, 300) == 512);
    CHECK(fpga_compiled_tokens(f, 512) == 512);
    CHECK(f.sparsity_speedup() == Approx(1.8));
}

TEST_CASE("npu: a prefill of L tokens costs ceil(L / chunk) fixed-shape passes", "[hardware][npu][analytic]") {
    // Snapdragon 8 Gen 3 NPU, chunk 256: the token-proportional (non-attention) work of a prefill of L tokens is
    // ceil(L / 256) times that of one 256-token chunk; attention runs on the real shape.
    auto cost = cost_on("snapdragon-8gen3-npu", DType::fp16, "qwen1.5-1.8b");
    auto linear_ns = [&](int64_t tokens) {
        models::BatchShape b;
        b.set_spans(models::attention_spans(cost.deployment().model));
        b.add_prefill_chunk(0, tokens, true);
        const sim::PassCost p = cost.pass(b);
        return p.per_layer_ns - p.attention_ns;
    };
    const double one = linear_ns(256);
    REQUIRE(one > 0);
    for (int64_t tokens : {1, 100, 256, 257, 512, 700, 1024, 1025}) {
        INFO(tokens << " tokens");
        const double passes = std::ceil(static_cast<double>(tokens) / 256);
        CHECK(linear_ns(tokens) == Approx(passes * one).epsilon(1e-12));
    }
}

TEST_CASE("npu: GEMMs run on the INT8 matrix units; float outliers overlap on the CPU over the shared bus",
          "[hardware][npu]") {
    const DeviceSpec d = resolve_device("hexagon");
    const CostModel npu(d);
    // A large GEMM: compute at the int8 peak (34 TOPS) even for fp16 models, not the fp16 peak.
    const double flops = 2.0 * 256 * 2048 * 5504;
    const OpCost c = npu.kernel(OpClass::gemm, "mlp_up_proj", DType::fp16, flops, 1e6, 1, 256);
    const double eff = default_kernel_profile(OpClass::gemm).compute_by_flops_per_row.at(flops / 256);
    const double npu_ns = flops / (34e12 * eff) * 1e9;
    const double cpu_ns = 0.01 * flops / 0.3e12 * 1e9;
    CHECK(c.compute_ns == Approx(std::max(npu_ns, cpu_ns)).epsilon(1e-9));
    CHECK(c.side_ns == Approx(cpu_ns).epsilon(1e-9));  // the CPU's busy time, which the power model charges
    // The outliers' weight reads share the LPDDR bus: 1% more bytes than the GEMM alone.
    const double mem = npu.kernel(OpClass::gemm, "x", DType::fp16, 1, 1e8).memory_ns;
    const double eff_m = default_kernel_profile(OpClass::gemm).memory_by_bytes.at(1e8);
    CHECK(mem == Approx(1.01e8 / (76.8e9 * eff_m) * 1e9).epsilon(1e-9));
}

TEST_CASE("npu: a pass's CPU outlier time is the fraction of its GEMM FLOPs at the CPU's peak, per fixed-shape pass",
          "[hardware][npu][power][analytic]") {
    // Qwen1.5-1.8B on the Snapdragon preset (1% outliers at 0.3 TFLOPS): a 256-token chunk's per-layer GEMMs are
    // 2 x 256 x (attention + MLP weights) FLOPs; biases add FLOPs the GEMMs do not have (0.03%), hence the tolerance.
    auto cost = cost_on("snapdragon-8gen3-npu", DType::fp16, "qwen1.5-1.8b");
    const auto& m = cost.deployment().model;
    const double weights = static_cast<double>(m.attention_params_per_layer() + m.mlp_params_per_layer());
    const double gemm_flops = 2.0 * 256 * weights;
    const double side_ns = 0.01 * gemm_flops / 0.3e12 * 1e9;
    auto pass_side_ns = [&](int64_t tokens) {
        models::BatchShape b;
        b.set_spans(models::attention_spans(m));
        b.add_prefill_chunk(0, tokens, true);
        return cost.pass(b).per_layer_side_ns;
    };
    CHECK(pass_side_ns(256) == Approx(side_ns).epsilon(1e-3));
    CHECK(pass_side_ns(300) == Approx(2 * side_ns).epsilon(1e-3));  // two fixed-shape passes
    // Without outliers there is no side work.
    DeviceSpec d = resolve_device("snapdragon-8gen3-npu");
    d.npu->outlier_fraction = 0;
    const CostModel plain(d);
    CHECK(plain.kernel(OpClass::gemm, "mlp_up_proj", DType::fp16, 1e9, 1e6, 1, 256).side_ns == 0.0);
}

TEST_CASE("device kinds: profiles of a kind missing its required fields are input errors naming file and key",
          "[hardware][npu][fpga][errors]") {
    Json npu = preset_json("hexagon");
    npu.erase("npu");
    rejects(npu, "npu");
    Json fpga = preset_json("u280");
    fpga.erase("fpga");
    rejects(fpga, "fpga");
    Json no_dsp = preset_json("u280");
    no_dsp["fpga"].erase("dsp_count");
    rejects(no_dsp, "dsp_count");
    Json no_fpga_matrix = preset_json("u280");
    no_fpga_matrix["fpga"].erase("matrix_dtype");
    rejects(no_fpga_matrix, "matrix_dtype");
    Json no_matrix = preset_json("hexagon");
    no_matrix["npu"].erase("matrix_dtype");
    rejects(no_matrix, "matrix_dtype");
    Json no_chunk = preset_json("ascend-910b");
    no_chunk["npu"].erase("prefill_chunk_tokens");
    rejects(no_chunk, "prefill_chunk_tokens");
    Json outliers = preset_json("hexagon");
    outliers["npu"].erase("outlier_peak");
    rejects(outliers, "outlier_peak");
    Json outlier_power = preset_json("hexagon");
    outlier_power["npu"]["outlier_power"] = "9000W";  // above one device's bound
    rejects(outlier_power, "outlier_power");
    Json stray_power = preset_json("ascend-910b");  // no outlier work to draw it
    stray_power["npu"]["outlier_power"] = "5W";
    rejects(stray_power, "outlier_power");
    Json on_gpu = preset_json("a100");
    on_gpu["fpga"] = preset_json("u280")["fpga"];
    rejects(on_gpu, "fpga");
    Json kind = preset_json("a100");
    kind["kind"] = "tpu";
    rejects(kind, "kind");
    Json sparsity = preset_json("u280");
    sparsity["fpga"]["sparsity"] = "4:2";
    rejects(sparsity, "sparsity");
    Json dsp_peak = preset_json("u280");
    dsp_peak["peak_flops"]["int8"] = "100TOPS";  // beyond 9,024 DSPs at 225 MHz
    rejects(dsp_peak, "int8");
}
