// The current-GPU presets (B200, GB200, RTX 4090, RTX PRO 6000) against their datasheets, and the fp4 dtype they
// carry. Every figure below is copied from the vendor document named in its row, independently of the JSON bases.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <string>

#include "common/error.hpp"
#include "hardware/catalogue.hpp"
#include "hardware/cost_model.hpp"
#include "models/presets.hpp"
#include "sim/cost/forward_cost.hpp"

using namespace llmsim;
using namespace llmsim::hardware;

namespace {

struct DatasheetRow {
    const char* id;
    const char* alias;
    double fp16_tflops;  // dense, FP32 accumulate
    double fp8_tflops;
    double fp4_tflops;  // 0: no fp4 tensor cores
    double memory_gib;
    double bandwidth_gb_s;
    const char* intra_kind;
    double intra_gb_s;  // per direction
    int32_t devices_per_node;
    const char* host_kind;
    double host_gb_s;         // per direction
    const char* curves_from;  // the calibrated preset whose efficiency curves it borrows
    const char* source;
};

// clang-format off
const DatasheetRow kDatasheets[] = {
    {"b200", "hgx-b200", 2250, 4500, 9000, 183359.0 / 1024, 8000, "nvswitch", 900, 8, "pcie5", 64, "h200-sxm",
     "NVIDIA HGX B200 datasheet / Blackwell technical brief (2024-2025): sparse 4.5/9/18 PFLOPS halved; 8 TB/s; "
     "NVLink 5 1.8 TB/s bidirectional; nvidia-smi 183359MiB"},
    {"gb200", "gb200-nvl72", 2500, 5000, 10000, 186e9 / (1024.0 * 1024 * 1024), 8000, "nvswitch", 900, 72,
     "nvlink-c2c", 450, "h200-sxm",
     "NVIDIA GB200 NVL72 datasheet (2024-2025) / 72: 360/720/1440 PFLOPS sparse, 13.4 TB, 576 TB/s, 130 TB/s NVLink; "
     "NVLink-C2C 900 GB/s bidirectional"},
    {"rtx-4090", "4090", 165.2, 330.3, 0, 24564.0 / 1024, 1008, "pcie4", 32, 8, "pcie4", 32, "h100-sxm",
     "NVIDIA Ada GPU architecture whitepaper v2.1 (2023): FP16 165.2 and FP8 330.3 TFLOPS with FP32 accumulate; "
     "21 Gbps x 384 bit GDDR6X; PCIe 4.0 x16, no NVLink"},
    {"rtx-pro-6000", "rtx-pro-6000-blackwell", 503.8, 1007.6, 2015.2, 97887.0 / 1024, 1597, "pcie5", 64, 8, "pcie5", 64, "h100-sxm",
     "NVIDIA RTX PRO 6000 Blackwell Server Edition datasheet (2025): 1597 GB/s, 4 PFLOPS FP4 sparse, PCIe 5.0, no "
     "NVLink; RTX Blackwell architecture whitepaper (2025) for the dense tensor peaks"},
};
// clang-format on

constexpr double kGiB = 1024.0 * 1024 * 1024;

double decode_step_ms(const DeviceSpec& dev, int32_t tp) {
    models::InferenceParallel par;
    par.tp = tp;
    sim::ForwardCost cost(
        sim::make_deployment(models::resolve_model("llama-3-8b"), par, models::Precision::from_dtype(DType::bf16), dev),
        CostModel(dev), sim::parse_framework_overhead("none", "t"));
    models::BatchShape b;
    for (int i = 0; i < 8; ++i)
        b.add_decode(1024);
    return cost.iteration_ns(b) * 1e-6;
}

}  // namespace

TEST_CASE("current-GPU presets match their datasheets", "[hardware][presets]") {
    for (const auto& row : kDatasheets) {
        INFO(row.id << " (" << row.source << ")");
        const DeviceSpec d = resolve_device(row.id);
        CHECK(d.id == row.id);
        CHECK(resolve_device(row.alias).id == row.id);
        CHECK(d.peak(DType::fp16) == Approx(row.fp16_tflops * 1e12).epsilon(1e-3));
        CHECK(d.peak(DType::bf16) == Approx(row.fp16_tflops * 1e12).epsilon(1e-3));
        CHECK(d.peak(DType::fp8) == Approx(row.fp8_tflops * 1e12).epsilon(1e-3));
        if (row.fp4_tflops > 0) {
            CHECK(d.peak(DType::fp4) == Approx(row.fp4_tflops * 1e12).epsilon(1e-3));
        } else {
            CHECK_FALSE(d.supports(DType::fp4));
        }
        CHECK(d.memory_bytes / kGiB == Approx(row.memory_gib).epsilon(1e-3));
        CHECK(d.memory_bandwidth_bytes_per_s == Approx(row.bandwidth_gb_s * 1e9).epsilon(1e-6));
        CHECK(d.intra_node.kind == row.intra_kind);
        CHECK(d.intra_node.bandwidth_bytes_per_s == Approx(row.intra_gb_s * 1e9).epsilon(1e-6));
        CHECK(d.devices_per_node == row.devices_per_node);
        CHECK(d.host.kind == row.host_kind);
        CHECK(d.host.bandwidth_bytes_per_s == Approx(row.host_gb_s * 1e9).epsilon(1e-6));
        // No shared measurement exists for these devices: the profile must say its curves are borrowed.
        REQUIRE(d.calibration.has_value());
        CHECK(d.calibration->source.find(std::string("transferred from ") + row.curves_from) != std::string::npos);
        CHECK(d.kernels.count("gemm") == 1);
        CHECK(d.kernels.count("attn_decode") == 1);
    }
}

TEST_CASE("transferred presets scale a decode step with memory bandwidth", "[hardware][presets]") {
    // Same efficiency curves as the preset they were transferred from, so a bandwidth-bound step (Llama-3-8B bf16,
    // 8 sequences at 1024 tokens: 16 GB of weights per step) changes by the bandwidth ratio, pulled towards 1 by the
    // fixed per-kernel overheads: the speedup lies between 1 and the ratio, most of the way (in log terms) to it.
    for (const auto& row : kDatasheets) {
        INFO(row.id << " vs " << row.curves_from);
        const DeviceSpec from = resolve_device(row.curves_from);
        const DeviceSpec d = resolve_device(row.id);
        const double bw_ratio = d.memory_bandwidth_bytes_per_s / from.memory_bandwidth_bytes_per_s;
        const double speedup = decode_step_ms(from, 1) / decode_step_ms(d, 1);
        CHECK(speedup >= std::min(1.0, bw_ratio) * 0.98);
        CHECK(speedup <= std::max(1.0, bw_ratio) * 1.02);
        CHECK(std::log(speedup) / std::log(bw_ratio) >= 0.75);
    }
}

TEST_CASE("fp4 is a Blackwell dtype: 4-bit weights and GEMMs, fp8 KV cache, 16-bit attention", "[hardware][dtype]") {
    CHECK(parse_dtype("fp4", "--dtype") == DType::fp4);
    CHECK(dtype_bytes(DType::fp4) == 0.5);
    const auto p = models::Precision::from_dtype(DType::fp4);
    CHECK(p.weights == DType::fp4);
    CHECK(p.compute == DType::fp4);
    CHECK(p.kv_cache == DType::fp8);
    CHECK(p.attention_math() == DType::fp16);
    CHECK(p.gemm_input_bytes() == 0.5);

    // A compute-bound prefill on B200 runs its GEMMs at twice the fp8 peak: faster than fp8, but attention and the
    // element-wise kernels do not shrink, so by less than 2x.
    const DeviceSpec b200 = resolve_device("b200");
    const auto model = models::resolve_model("llama-3-8b");
    auto prefill_ms = [&](const DeviceSpec& dev, DType t) {
        sim::ForwardCost cost(sim::make_deployment(model, {}, models::Precision::from_dtype(t), dev), CostModel(dev),
                              sim::parse_framework_overhead("none", "t"));
        models::BatchShape b;
        b.add_prefill_chunk(0, 8192, true);
        return cost.iteration_ns(b) * 1e-6;
    };
    const double fp8_ms = prefill_ms(b200, DType::fp8);
    const double fp4_ms = prefill_ms(b200, DType::fp4);
    CHECK(fp4_ms < fp8_ms * 0.8);
    CHECK(fp4_ms > fp8_ms * 0.5);
    // Hopper has no fp4 tensor cores: a usage error naming what it supports.
    CHECK_THROWS_WITH(prefill_ms(resolve_device("h100-sxm"), DType::fp4), Catch::Contains("no fp4 support"));
}
