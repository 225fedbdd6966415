// Flash weights tier (LLM in a flash): the read curve, the offload plan's bytes and the load time against
// hand-computed values; bundling, windowing, the naive baseline and the memory budget; the off path costs nothing.
#include <catch2/catch.hpp>
#include <cmath>

#include "common/error.hpp"
#include "hardware/catalogue.hpp"
#include "hardware/flash_read_curve.hpp"
#include "models/presets.hpp"
#include "models/weight_offload.hpp"
#include "sim/cost/flash_weights.hpp"
#include "sim/cost/forward_cost.hpp"

using namespace llmsim;
using Catch::Detail::Approx;

namespace {

constexpr double kGB = 1e9;
constexpr double kKiB = 1024;

// A curve with round numbers: 1 GB/s at 8 KiB, 2 GB/s at 32 KiB, 4 GB/s at 128 KiB.
hardware::FlashReadCurve test_curve() {
    return {"test", "", {{8 * kKiB, 1 * kGB}, {32 * kKiB, 2 * kGB}, {128 * kKiB, 4 * kGB}}, "test"};
}

const models::ModelSpec& opt() {
    static const models::ModelSpec m = models::resolve_model("opt-6.7b");
    return m;
}

const models::Precision kFp16 = models::Precision::from_dtype(DType::fp16);

models::WeightOffloadPlan plan_with(double budget_share, bool sparse, int32_t window = 5, bool bundle = true) {
    models::WeightOffloadSpec spec;
    spec.dram_budget_bytes = budget_share * static_cast<double>(opt().param_count()) * 2;
    spec.sparse = sparse;
    spec.window_tokens = window;
    spec.bundle = bundle;
    return {opt(), kFp16, spec, "test"};
}

}  // namespace

TEST_CASE("flash read curve: log-linear between points, flat outside, monotone input only", "[hardware][flash]") {
    const auto c = test_curve();
    CHECK(c.bytes_per_s(8 * kKiB) == Approx(1 * kGB));
    CHECK(c.bytes_per_s(16 * kKiB) == Approx(1.5 * kGB));  // halfway in log2 between 8 and 32 KiB
    CHECK(c.bytes_per_s(64 * kKiB) == Approx(3 * kGB));
    CHECK(c.bytes_per_s(1 * kKiB) == Approx(1 * kGB));  // never extrapolated
    CHECK(c.bytes_per_s(1 << 30) == Approx(4 * kGB));
    CHECK_THROWS_WITH(hardware::FlashReadCurve("x", "", {{8 * kKiB, 2 * kGB}, {32 * kKiB, 1 * kGB}}, "c.json#/points"),
                      Catch::Contains("c.json#/points/1") && Catch::Contains("must not fall"));
    CHECK_THROWS_WITH(hardware::FlashReadCurve("x", "", {{8 * kKiB, 1 * kGB}, {8 * kKiB, 2 * kGB}}, "c.json#/points"),
                      Catch::Contains("c.json#/points/1") && Catch::Contains("chunk sizes must increase"));
    const Json j = Json::parse(R"({"name": "mine", "points": [["4KiB", "1GB/s"], [65536, 3e9]]})");
    const auto parsed = hardware::flash_curve_from_json(j, "f.json#");
    CHECK(parsed.bytes_per_s(16 * kKiB) == Approx(2 * kGB));
    CHECK_THROWS_WITH(hardware::resolve_flash_curve("m2-ultra", "--weights-tier read"),
                      Catch::Contains("m2-ultra") && Catch::Contains("m1-max"));
    // A constant rate, as --kv-tiers states a tier's bandwidth.
    const auto flat = hardware::resolve_flash_curve("7GB/s", "test");
    CHECK(flat.bytes_per_s(4 * kKiB) == Approx(7 * kGB));
    CHECK(flat.bytes_per_s(1 << 30) == Approx(7 * kGB));
    // Every preset is valid and sourced.
    for (const auto& id : hardware::flash_curve_preset_ids())
        CHECK(!hardware::resolve_flash_curve(id, "test").source().empty());
}

TEST_CASE("flash weights: a token needing X bytes not resident costs X / read throughput(chunk)",
          "[hardware][flash][analytic]") {
    const auto plan = plan_with(0.6, true);
    // OPT-6.7B's FFN: 32 layers x (up 4096x16384 + down 16384x4096 + biases) in fp16.
    const double ffn = 32.0 * (2.0 * 4096 * 16384 + 16384 + 4096) * 2;
    CHECK(plan.ffn_bytes() == Approx(ffn));
    const double model = static_cast<double>(opt().param_count()) * 2;
    const double predictor = 0.0125 * model;
    const double window = 0.1 * std::pow(5.0, 0.544);
    const double ffn_resident = (0.6 * model - (model - ffn + predictor)) / ffn;
    const double pinned = (ffn_resident - window) / (1 - window);
    const double x = 0.1 * (std::pow(6.0, 0.544) - std::pow(5.0, 0.544)) * (1 - pinned) * ffn;
    CHECK(plan.load_bytes(1) == Approx(x));
    CHECK(plan.chunk_bytes() == 2 * 4096 * 2);  // up column + down row, fp16
    const double memory_bw = 100 * kGB;
    const sim::FlashWeights cpu(plan, test_curve(), 0, memory_bw);
    // 16 KiB reads sit halfway (log2) between the 8 and 32 KiB points: 1.5 GB/s.
    CHECK(cpu.read_bytes_per_s() == Approx(1.5 * kGB));
    CHECK(cpu.pass_ns(1) == Approx(x / (1.5 * kGB) * 1e9 + predictor / memory_bw * 1e9));
    // A GPU host moves the same bytes over its host link after the flash read.
    const sim::FlashWeights gpu(plan, test_curve(), 25 * kGB, memory_bw);
    CHECK(gpu.pass_ns(1) - cpu.pass_ns(1) == Approx(x / (25 * kGB) * 1e9));
}

TEST_CASE("flash weights: bundling doubles the chunk and reads it at the curve's rate", "[hardware][flash][analytic]") {
    const auto bundled = plan_with(0.6, true, 5, true);
    const auto rows = plan_with(0.6, true, 5, false);
    CHECK(bundled.chunk_bytes() == 2 * rows.chunk_bytes());
    CHECK(bundled.load_bytes(1) == Approx(rows.load_bytes(1)));  // same bytes, bigger reads
    const sim::FlashWeights a(bundled, test_curve(), 0, 100 * kGB);
    const sim::FlashWeights b(rows, test_curve(), 0, 100 * kGB);
    CHECK(a.read_bytes_per_s() == Approx(1.5 * kGB));  // 16 KiB
    CHECK(b.read_bytes_per_s() == Approx(1.0 * kGB));  // 8 KiB
    CHECK(a.pass_ns(1) < b.pass_ns(1));
    // A gated MLP bundles gate, up and down: three rows per read.
    models::WeightOffloadSpec spec;
    spec.dram_budget_bytes = 0.7 * static_cast<double>(models::resolve_model("llama-2-7b").param_count()) * 2;
    const models::WeightOffloadPlan llama(models::resolve_model("llama-2-7b"), kFp16, spec, "test");
    CHECK(llama.chunk_bytes() == 3 * 4096 * 2);
}

TEST_CASE("flash weights: windowing lowers the per-token load as the window grows", "[hardware][flash][analytic]") {
    // No window: every predicted-active neuron is read (10% of the FFN); the model's increments shrink with k.
    CHECK(models::window_new_fraction(0.1, 0.544, 0, 1) == Approx(0.1));
    CHECK(models::window_new_fraction(0.1, 0.544, 5, 1) == Approx(0.1 * (std::pow(6.0, 0.544) - std::pow(5.0, 0.544))));
    CHECK(models::window_union_fraction(0.1, 0.544, 5) == Approx(0.24).epsilon(0.01));  // the paper's 24% at k = 5
    double previous = 1;
    for (int32_t k = 0; k <= 20; ++k) {
        const double f = models::window_new_fraction(0.1, 0.544, k, 1);
        CHECK(f < previous);
        previous = f;
    }
    CHECK(plan_with(0.6, true, 5).load_bytes(1) < plan_with(0.6, true, 0).load_bytes(1));
    // A prefill of n tokens reads the union's growth, never more than the whole FFN.
    const auto p = plan_with(0.6, true, 5);
    CHECK(p.load_bytes(100) > p.load_bytes(1));
    CHECK(p.load_bytes(1 << 20) <= p.ffn_bytes());
}

TEST_CASE("flash weights: naive vs sparse+window ratio by hand", "[hardware][flash][analytic]") {
    const double model = static_cast<double>(opt().param_count()) * 2;
    const auto naive = plan_with(0.6, false);
    const auto sparse = plan_with(0.6, true);
    CHECK(naive.load_bytes(1) == Approx(0.4 * model));  // everything not resident, every token
    CHECK(naive.load_bytes(64) == Approx(0.4 * model));
    CHECK(naive.chunk_bytes() == 4096.0 * 16384 * 2);  // whole matrices: the curve's sequential end
    const sim::FlashWeights n(naive, test_curve(), 0, 100 * kGB);
    const sim::FlashWeights s(sparse, test_curve(), 0, 100 * kGB);
    const double naive_ns = 0.4 * model / (4 * kGB) * 1e9;
    const double sparse_ns = sparse.load_bytes(1) / (1.5 * kGB) * 1e9 + 0.0125 * model / (100 * kGB) * 1e9;
    CHECK(n.pass_ns(1) == Approx(naive_ns));
    CHECK(n.pass_ns(1) / s.pass_ns(1) == Approx(naive_ns / sparse_ns));
}

TEST_CASE("flash weights: loads never grow with the memory budget", "[hardware][flash][analytic]") {
    for (const bool sparse : {false, true}) {
        double previous = -1;
        for (double share = 0.55; share <= 1.2; share += 0.05) {
            const double bytes = plan_with(share, sparse).load_bytes(1);
            if (previous >= 0) CHECK(bytes <= previous);
            previous = bytes;
        }
        CHECK(plan_with(1.0, sparse).load_bytes(1) == 0);  // the whole model fits: no flash reads
        CHECK(plan_with(1.0, sparse).resident_fraction() == 1);
    }
}

TEST_CASE("flash weights: a budget too small for the window, and MoE models, are usage errors", "[hardware][flash]") {
    CHECK_THROWS_WITH(plan_with(0.4, true), Catch::Contains("dram=") && Catch::Contains("window of 5 tokens"));
    CHECK_NOTHROW(plan_with(0.4, false));
    models::WeightOffloadSpec spec;
    spec.dram_budget_bytes = 1e9;
    CHECK_THROWS_AS(models::WeightOffloadPlan(models::resolve_model("mixtral-8x7b"), kFp16, spec, "--weights-tier"),
                    UsageError);
}

TEST_CASE("flash weights: the pass pays the load only when the tier is on", "[hardware][flash]") {
    const auto device = hardware::resolve_device("laptop-ddr5");
    const auto prec = models::Precision::from_dtype(DType::fp32);
    const auto dep = sim::make_deployment(opt(), {}, prec, device);
    sim::ForwardCost off(dep, hardware::CostModel(device), sim::parse_framework_overhead("0", "test"));
    sim::ForwardCost on = off;
    models::WeightOffloadSpec spec;
    spec.dram_budget_bytes = 0.6 * static_cast<double>(opt().param_count()) * 4;
    on.set_flash_weights(sim::FlashWeights(models::WeightOffloadPlan(opt(), prec, spec, "test"), test_curve(), 0,
                                           device.memory_bandwidth_bytes_per_s));
    models::BatchShape batch;
    batch.add_decode(128);
    CHECK(off.flash_weights() == nullptr);
    CHECK(off.pass(batch).weight_load_ns == 0);
    CHECK(off.breakdown(batch).weight_load_ns == 0);
    const double load = on.flash_weights()->pass_ns(1);
    CHECK(load > 0);
    CHECK(on.pass(batch).weight_load_ns == Approx(load));
    CHECK(on.iteration_ns(batch) - off.iteration_ns(batch) == Approx(load));
    CHECK(on.breakdown(batch).total_time_ns - off.breakdown(batch).total_time_ns == Approx(load));
}
