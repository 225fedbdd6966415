// "Expectation vs actual": the cost model against hand-computed roofline figures.
#include <catch2/catch.hpp>
#include <cmath>

#include "common/error.hpp"
#include "common/json_io.hpp"
#include "hardware/catalogue.hpp"
#include "hardware/cost_model.hpp"
#include "models/presets.hpp"
#include "sim/cost/forward_cost.hpp"

using namespace llmsim;
using namespace llmsim::hardware;

namespace {

// A device with constant efficiencies: 100 TFLOP/s fp16 at 50%, 1 TB/s at 80%, 5 us per kernel.
DeviceSpec simple_device() {
    const char* text = R"({"schema_version": 1, "id": "simple", "peak_flops": {"fp16": "100TFLOPS"},
      "memory": {"capacity": "80GiB", "bandwidth": "1TB/s"},
      "interconnect": {"intra_node": {"kind": "nvswitch", "bandwidth": "100GB/s", "latency": "2us",
                                      "devices_per_node": 8}},
      "calibration": {"kernels": {
        "gemm": {"overhead": "5us", "compute_efficiency_by_flops_per_row": 0.5, "memory_efficiency_by_bytes": 0.8},
        "attn_prefill": {"overhead": "5us", "compute_efficiency_by_flops_per_row": 0.5, "memory_efficiency_by_bytes": 0.8},
        "attn_decode": {"overhead": "5us", "compute_efficiency_by_flops_per_row": 0.5, "memory_efficiency_by_bytes": 0.8},
        "elementwise": {"overhead": "5us", "compute_efficiency_by_flops_per_row": 0.5, "memory_efficiency_by_bytes": 0.8},
        "embedding": {"overhead": "5us", "compute_efficiency_by_flops_per_row": 0.5, "memory_efficiency_by_bytes": 0.8}
      }}})";
    return device_from_json(Json::parse(text), "simple.json");
}

}  // namespace

TEST_CASE("roofline: max of compute and memory time plus overhead", "[cost]") {
    const CostModel m(simple_device());
    // Compute-bound: 1 TFLOP at 50 TFLOP/s = 20 ms; 1 MB at 0.8 TB/s = 1.25 us.
    const auto c = m.kernel(OpClass::gemm, "x", DType::fp16, 1e12, 1e6);
    CHECK(c.time_ns == Approx(20e6 + 5e3));
    CHECK(c.bound == Bound::compute);
    // Memory-bound: 8 GB at 0.8 TB/s = 10 ms.
    const auto mem = m.kernel(OpClass::gemm, "x", DType::fp16, 1e9, 8e9);
    CHECK(mem.time_ns == Approx(10e6 + 5e3));
    CHECK(mem.bound == Bound::memory);
    // Two launches pay the overhead twice.
    CHECK(m.kernel(OpClass::elementwise, "x", DType::fp16, 0, 8e9, 2).time_ns == Approx(10e6 + 10e3));
}

TEST_CASE("collectives: alpha-beta ring cost on the node link", "[cost]") {
    const CostModel m(simple_device());
    // Uncalibrated: latency 2 us per ring step, 70% of 100 GB/s. All-reduce of 100 MB over 4 GPUs moves
    // 2*3/4*100 MB = 150 MB per GPU: 150e6 / 70e9 s plus 6 steps x 2 us.
    const auto c = m.collective(CollectiveKind::all_reduce, 100e6, 4, false);
    CHECK(c.time_ns == Approx(150e6 / 70e9 * 1e9 + 12e3));
    CHECK(m.collective(CollectiveKind::all_reduce, 100e6, 1, false).time_ns == 0);
    CHECK(CostModel::bus_bytes(CollectiveKind::all_gather, 80, 8) == Approx(70));
}

TEST_CASE("batch-1 decode step = weight bytes / effective bandwidth + kernel overheads", "[cost]") {
    const DeviceSpec dev = simple_device();
    const auto model = models::resolve_model("llama-2-7b");
    models::InferenceParallel par;
    const auto prec = models::Precision::from_dtype(DType::fp16);
    sim::ForwardCost cost(sim::make_deployment(model, par, prec, dev), CostModel(dev),
                          sim::parse_framework_overhead("none", "t"));
    models::BatchShape b;
    b.add_decode(127);
    // Every weight is read once, except the embedding table, of which one row is gathered.
    const double weights_bytes = static_cast<double>(model.param_count() - model.embedding_params()) * 2;
    // 32 layers x 9 kernels (norms, qkv, rope, attention, o, mlp up/act/down, 2 residual adds) + embedding, final
    // norm and LM head.
    const double kernels = 32 * 11 + 3;
    const double expected_ns = weights_bytes / 0.8e12 * 1e9 + kernels * 5e3;
    const auto breakdown = cost.breakdown(b);
    CHECK(breakdown.total_time_ns == Approx(expected_ns).epsilon(0.02));
    CHECK(cost.iteration_ns(b) == Approx(breakdown.total_time_ns).epsilon(1e-9));  // fast path agrees
}

TEST_CASE("fast-path pass cost equals the op-by-op breakdown for mixed batches", "[cost]") {
    const DeviceSpec dev = resolve_device("h100-sxm");
    const auto model = models::resolve_model("llama-3-8b");
    for (int tp : {1, 2}) {
        models::InferenceParallel par;
        par.tp = tp;
        sim::ForwardCost cost(sim::make_deployment(model, par, models::Precision::from_dtype(DType::bf16), dev),
                              CostModel(dev), sim::parse_framework_overhead("vllm-v0", "t"));
        models::BatchShape b;
        b.add_prefill_chunk(0, 300, true);
        b.add_prefill_chunk(700, 200, false);
        for (int i = 0; i < 40; ++i)
            b.add_decode(100 + 37 * i);
        CHECK(cost.iteration_ns(b) == Approx(cost.breakdown(b).total_time_ns).epsilon(1e-9));
    }
}

TEST_CASE("calibrated presets give plausible decode and prefill times", "[cost]") {
    // A100 80GB: Llama-2-7B batch-1 decode reads 13.5 GB of weights; at 2.04 TB/s peak that is >= 6.6 ms, and a
    // well-tuned stack reaches ~75-85% of peak bandwidth.
    const DeviceSpec dev = resolve_device("a100");
    const auto model = models::resolve_model("llama-2-7b");
    sim::ForwardCost cost(sim::make_deployment(model, {}, models::Precision::from_dtype(DType::fp16), dev),
                          CostModel(dev), sim::parse_framework_overhead("none", "t"));
    models::BatchShape decode;
    decode.add_decode(128);
    const double ms = cost.iteration_ns(decode) * 1e-6;
    CHECK(ms > 13.48 / 2.039);
    CHECK(ms < 13.48 / 2.039 / 0.6);
    // Prefill of 4096 tokens: 2 * 6.74e9 * 4096 = 55 TFLOP; at 312 TFLOP/s peak >= 177 ms, at >= 55% <= 320 ms.
    models::BatchShape prefill;
    prefill.add_prefill_chunk(0, 4096, true);
    const double prefill_ms = cost.iteration_ns(prefill) * 1e-6;
    CHECK(prefill_ms > 177);
    CHECK(prefill_ms < 320);
}

TEST_CASE("hardware profiles: presets, aliases and bad files", "[cost][hardware]") {
    CHECK(resolve_device("A100").id == "a100-sxm-80gb");
    CHECK(resolve_device("h100").id == "h100-sxm");
    for (const auto& d : device_presets()) {
        INFO(d.id);
        CHECK(d.memory_bandwidth_bytes_per_s > 0);
        // Every GPU preset is calibrated (measured or transferred); the CPU presets have no measurements to
        // transfer from and say so (provenance default, a warning at run time).
        if (d.kind == "gpu") {
            CHECK(d.calibration.has_value());
            CHECK(d.kernels.count("gemm") == 1);
        } else {
            CHECK(d.provenance() == Provenance::default_curves);
        }
    }
    CHECK(resolve_device("h100").supports(DType::fp8));
    CHECK_FALSE(resolve_device("a100").supports(DType::fp8));
    CHECK_THROWS_WITH(device_from_json(Json::parse(R"({"schema_version": 1, "id": "x",
        "peak_flops": {"fp16": "1TFLOPS"}, "memory": {"capacity": "1GB", "bandwidth": "1TB/s"}, "colour": 1})"),
                                       "x.json"),
                      Catch::Contains("x.json#/colour"));
    CHECK_THROWS_WITH(device_from_json(Json::parse(R"({"schema_version": 1, "id": "x",
        "peak_flops": {"fp16": "1TFLOPS"}, "memory": {"capacity": "1GB", "bandwidth": "1TB/s"},
        "calibration": {"kernels": {"gemm": {"memory_efficiency_by_bytes": [[1e6, 1.5]]}}}})"),
                                       "x.json"),
                      Catch::Contains("out of range"));
}

TEST_CASE("efficiency curves interpolate in log size and never extrapolate", "[cost][curve]") {
    const EfficiencyCurve c({{1e6, 0.2}, {1e8, 0.6}});
    CHECK(c.at(1e6) == Approx(0.2));
    CHECK(c.at(1e7) == Approx(0.4));
    CHECK(c.at(1e3) == Approx(0.2));
    CHECK(c.at(1e12) == Approx(0.6));
    CHECK(c.scaled(3.0).at(1e12) == Approx(1.0));
}
