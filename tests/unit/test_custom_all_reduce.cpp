// The custom one-/two-shot all-reduce (hardware/custom_all_reduce.*) against the published vLLM timings it was
// fitted to, its one-shot/two-shot choice and range, and where serving uses it (TP groups on NVLink/NVSwitch).
#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdio>
#include <string_view>

#include "hardware/catalogue.hpp"
#include "hardware/collectives.hpp"
#include "hardware/custom_all_reduce.hpp"
#include "hardware/topology.hpp"
#include "models/presets.hpp"
#include "sim/cost/forward_cost.hpp"
#include "tests/support/test_support.hpp"

using namespace llmsim;
using namespace llmsim::hardware;

namespace {

// vLLM custom all-reduce on H100 SXM (eager mode), as published in sgl-project/sglang PR #2904 (2025-01-15).
struct Published {
    double bytes;
    int32_t tp;
    double us;
};
const std::vector<Published> kVllmH100 = {
    {512, 2, 9.5},         {512, 4, 9.1},          {512, 8, 10.1},         {256 * 1024, 2, 12.9},
    {256 * 1024, 4, 20.6}, {256 * 1024, 8, 24.1},  {512 * 1024, 2, 17.7},  {512 * 1024, 4, 26.9},
    {512 * 1024, 8, 30.4}, {1024 * 1024, 2, 26.6}, {1024 * 1024, 4, 40.2}, {1024 * 1024, 8, 45.0},
};

GroupShape tp_group(const DeviceSpec& dev, int32_t gpus, int32_t tp) {
    const Topology topo(topology_from_device(dev), gpus);
    return topo.group(0, tp, 1);
}

bool one_shot(const CollectiveEstimate& e, const CustomAllReduceModel& m = {}) {
    return e.latency_ns == Approx(m.sync_ns);
}

}  // namespace

TEST_CASE("custom all-reduce reproduces vLLM's published H100 timings within 20%", "[collectives][custom-ar]") {
    const DeviceSpec dev = resolve_device("h100-sxm");
    std::printf("custom all-reduce vs vLLM on H100 SXM (sgl-project/sglang PR #2904)\n");
    std::printf("%10s %4s %10s %10s %8s %s\n", "bytes", "tp", "published", "predicted", "error", "algorithm");
    double worst = 0;
    for (const auto& p : kVllmH100) {
        const auto e = custom_all_reduce(p.bytes, tp_group(dev, 8, p.tp));
        REQUIRE(e.has_value());
        const double predicted_us = e->time_ns * 1e-3;
        const double err = test::rel_error(predicted_us, p.us);
        worst = std::max(worst, err);
        std::printf("%10.0f %4d %10.1f %10.2f %7.1f%% %s\n", p.bytes, p.tp, p.us, predicted_us, err * 100,
                    one_shot(*e) ? "one-shot" : "two-shot");
        INFO(p.bytes << " B over TP " << p.tp);
        CHECK(err < 0.20);
    }
    std::printf("worst error %.1f%%\n", worst * 100);
}

TEST_CASE("custom all-reduce: one-shot for small messages, two-shot once reading every peer costs more",
          "[collectives][custom-ar]") {
    const DeviceSpec dev = resolve_device("h100-sxm");
    const CustomAllReduceModel m;
    const GroupShape g8 = tp_group(dev, 8, 8);
    const double read_bps = g8.intra.bandwidth_bytes_per_s * m.link_efficiency;
    // One-shot: one barrier, (n-1) x bytes read; two-shot: two barriers, 2(n-1)/n x bytes.
    const auto small = custom_all_reduce(512, g8);
    REQUIRE(small);
    CHECK(one_shot(*small));
    CHECK(small->time_ns == Approx(m.sync_ns + 7 * 512 / read_bps * 1e9));
    const auto large = custom_all_reduce(1 << 20, g8);
    REQUIRE(large);
    CHECK_FALSE(one_shot(*large));
    CHECK(large->time_ns == Approx(2 * m.sync_ns + 2.0 * 7 / 8 * (1 << 20) / read_bps * 1e9));
    // The crossover: one-shot while sync + 7b/r <= 2 sync + 1.75b/r, i.e. b <= sync x r / 5.25.
    const double crossover = m.sync_ns * 1e-9 * read_bps / (7 - 1.75);
    CHECK(one_shot(*custom_all_reduce(crossover * 0.99, g8)));
    CHECK_FALSE(one_shot(*custom_all_reduce(crossover * 1.01, g8)));
    // TP 2 reads one peer either way: always one-shot.
    CHECK(one_shot(*custom_all_reduce(4 << 20, tp_group(dev, 8, 2))));
    // Nothing to reduce.
    CHECK(custom_all_reduce(1 << 20, tp_group(dev, 8, 1))->time_ns == 0);
    CHECK(custom_all_reduce(0, g8)->time_ns == 0);
}

TEST_CASE("custom all-reduce does not apply across nodes or above its 8 MiB buffer", "[collectives][custom-ar]") {
    const DeviceSpec dev = resolve_device("h100-sxm");
    CHECK(custom_all_reduce(8.0 * 1024 * 1024, tp_group(dev, 8, 8)).has_value());
    CHECK_FALSE(custom_all_reduce(8.0 * 1024 * 1024 + 1, tp_group(dev, 8, 8)).has_value());
    const GroupShape two_nodes = tp_group(dev, 16, 16);
    REQUIRE(two_nodes.inter_node());
    CHECK_FALSE(custom_all_reduce(512, two_nodes).has_value());
}

namespace {

struct Collective {
    double bytes = 0;
    int32_t calls = 0;
    double time_ns = 0;
};

Collective op_of(const sim::ForwardBreakdown& b, std::string_view name) {
    for (const auto& o : b.ops) {
        if (o.op.name == name) return {o.op.bytes, o.op.kernels, o.cost.time_ns};
    }
    FAIL("no op " << name);
    return {};
}

sim::ForwardBreakdown breakdown(const DeviceSpec& dev, const std::string& model, int32_t tp, int32_t pp,
                                sim::AllReduceImpl impl, const models::BatchShape& b) {
    models::InferenceParallel par;
    par.tp = tp;
    par.pp = pp;
    sim::KernelExecution k;
    k.all_reduce = impl;
    const sim::ForwardCost cost(
        sim::make_deployment(models::resolve_model(model), par, models::Precision::from_dtype(DType::fp16), dev),
        CostModel(dev), sim::parse_framework_overhead("none", "t"), k);
    return cost.breakdown(b);
}

models::BatchShape decodes(int n) {
    models::BatchShape b;
    for (int i = 0; i < n; ++i)
        b.add_decode(500);
    return b;
}

}  // namespace

TEST_CASE("serving uses the custom all-reduce for TP groups on NVLink/NVSwitch only", "[collectives][custom-ar]") {
    const auto nccl = sim::AllReduceImpl::nccl;
    const auto custom = sim::AllReduceImpl::custom;
    SECTION("h100-sxm (NVSwitch), TP 4: the custom kernel's time per call") {
        const DeviceSpec dev = resolve_device("h100-sxm");
        const auto b = decodes(32);
        const Collective c = op_of(breakdown(dev, "llama-2-70b", 4, 1, custom, b), "tp_all_reduce");
        const Collective n = op_of(breakdown(dev, "llama-2-70b", 4, 1, nccl, b), "tp_all_reduce");
        const auto expected = custom_all_reduce(c.bytes, tp_group(dev, 4, 4));
        REQUIRE(expected);
        CHECK(c.time_ns == Approx(c.calls * expected->time_ns).epsilon(1e-12));
        CHECK(c.time_ns != Approx(n.time_ns));
    }
    SECTION("above the buffer (a 4096-token prefill of Llama-2-70B: 64 MiB) NCCL prices it") {
        const DeviceSpec dev = resolve_device("h100-sxm");
        models::BatchShape b;
        b.add_prefill_chunk(0, 4096, true);
        const Collective c = op_of(breakdown(dev, "llama-2-70b", 4, 1, custom, b), "tp_all_reduce");
        REQUIRE(c.bytes > CustomAllReduceModel{}.max_bytes);
        CHECK(c.time_ns == op_of(breakdown(dev, "llama-2-70b", 4, 1, nccl, b), "tp_all_reduce").time_ns);
    }
    SECTION("TP across two nodes keeps NCCL") {
        const DeviceSpec dev = resolve_device("h100-sxm");
        const auto b = decodes(32);
        CHECK(op_of(breakdown(dev, "llama-2-70b", 16, 1, custom, b), "tp_all_reduce").time_ns ==
              op_of(breakdown(dev, "llama-2-70b", 16, 1, nccl, b), "tp_all_reduce").time_ns);
    }
    SECTION("pipeline send/recv is not an all-reduce: unchanged") {
        const DeviceSpec dev = resolve_device("h100-sxm");
        const auto b = decodes(32);
        CHECK(op_of(breakdown(dev, "llama-2-70b", 4, 2, custom, b), "pp_send_recv").time_ns ==
              op_of(breakdown(dev, "llama-2-70b", 4, 2, nccl, b), "pp_send_recv").time_ns);
    }
    SECTION("pairwise NVLink bridges: the custom kernel for a bridged pair, NCCL for more GPUs") {
        // vLLM's custom_all_reduce.py needs every rank NVLink-connected beyond two GPUs ("Custom allreduce is
        // disabled because it's not supported on more than two PCIe-only GPUs"): a bridge joins only two cards.
        const DeviceSpec dev = resolve_device("a100-pcie-80gb");
        REQUIRE(dev.intra_node.kind == "nvlink-pairwise");
        const auto b = decodes(8);
        const Collective tp2 = op_of(breakdown(dev, "llama-3-8b", 2, 1, custom, b), "tp_all_reduce");
        CHECK(tp2.time_ns == Approx(tp2.calls * custom_all_reduce(tp2.bytes, tp_group(dev, 2, 2))->time_ns));
        CHECK(op_of(breakdown(dev, "llama-3-8b", 4, 1, custom, b), "tp_all_reduce").time_ns ==
              op_of(breakdown(dev, "llama-3-8b", 4, 1, nccl, b), "tp_all_reduce").time_ns);
    }
    SECTION("PCIe devices keep NCCL") {
        for (const char* id : {"l4", "l40s", "rtx-4090"}) {
            INFO(id);
            const DeviceSpec dev = resolve_device(id);
            const auto b = decodes(8);
            CHECK(op_of(breakdown(dev, "llama-3-8b", 2, 1, custom, b), "tp_all_reduce").time_ns ==
                  op_of(breakdown(dev, "llama-3-8b", 2, 1, nccl, b), "tp_all_reduce").time_ns);
        }
    }
}
