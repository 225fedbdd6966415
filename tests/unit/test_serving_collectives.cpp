// Serving collectives are priced by the same topology-aware collective model as training (hardware/collectives.*),
// on the group each op runs on.
#include <catch2/catch.hpp>
#include <string_view>

#include "hardware/catalogue.hpp"
#include "hardware/collectives.hpp"
#include "hardware/topology.hpp"
#include "models/presets.hpp"
#include "sim/cost/forward_cost.hpp"

using namespace llmsim;
using namespace llmsim::hardware;

namespace {

struct Row {
    double bytes = 0;
    int32_t calls = 0;
    double time_ns = 0;
};

Row row(const sim::ForwardBreakdown& b, std::string_view name) {
    for (const auto& o : b.ops) {
        if (o.op.name == name) return {o.op.bytes, o.op.kernels, o.cost.time_ns};
    }
    FAIL("no op " << name);
    return {};
}

sim::ForwardBreakdown breakdown(const DeviceSpec& dev, int32_t tp, int32_t pp, const models::BatchShape& batch) {
    models::InferenceParallel par;
    par.tp = tp;
    par.pp = pp;
    const sim::ForwardCost cost(sim::make_deployment(models::resolve_model("llama-2-70b"), par,
                                                     models::Precision::from_dtype(DType::fp16), dev),
                                CostModel(dev), sim::parse_framework_overhead("none", "t"));
    return cost.breakdown(batch);
}

// The collective model's time for `calls` calls on the group (first, size, stride) of a `gpus`-GPU topology.
double reference_ns(const DeviceSpec& dev, int32_t gpus, CollectiveKind kind, const Row& r, int32_t first, int32_t size,
                    int32_t stride, bool* inter_node = nullptr) {
    const Topology topo(topology_from_device(dev), gpus);
    const CollectiveModel model(dev, topo);
    const GroupShape g = topo.group(first, size, stride);
    if (inter_node) *inter_node = g.inter_node();
    return r.calls * model.estimate(kind, r.bytes, g).time_ns;
}

}  // namespace

TEST_CASE("serving TP all-reduce is the collective model's estimate on the TP group", "[cost][collectives]") {
    const DeviceSpec dev = resolve_device("a100-sxm-80gb");  // 8 GPUs per node
    models::BatchShape batch;
    batch.add_prefill_chunk(0, 512, true);

    const Row tp8 = row(breakdown(dev, 8, 1, batch), "tp_all_reduce");
    bool inter8 = true;
    CHECK(tp8.time_ns ==
          Approx(reference_ns(dev, 8, CollectiveKind::all_reduce, tp8, 0, 8, 1, &inter8)).epsilon(1e-12));
    CHECK_FALSE(inter8);

    // TP 16 spans two nodes: the same message is priced on the inter-node ring and is slower.
    const Row tp16 = row(breakdown(dev, 16, 1, batch), "tp_all_reduce");
    REQUIRE(tp16.bytes == tp8.bytes);
    REQUIRE(tp16.calls == tp8.calls);
    bool inter16 = false;
    CHECK(tp16.time_ns ==
          Approx(reference_ns(dev, 16, CollectiveKind::all_reduce, tp16, 0, 16, 1, &inter16)).epsilon(1e-12));
    CHECK(inter16);
    CHECK(tp16.time_ns > tp8.time_ns);
}

TEST_CASE("serving PP send/recv is priced on the stage-boundary pair", "[cost][collectives]") {
    const DeviceSpec dev = resolve_device("a100-sxm-80gb");
    models::BatchShape batch;
    for (int i = 0; i < 64; ++i)
        batch.add_decode(1000);
    // TP 4 x PP 2 fits one node: ranks 0 and 4 talk over NVSwitch.
    const Row in_node = row(breakdown(dev, 4, 2, batch), "pp_send_recv");
    bool inter = true;
    CHECK(in_node.time_ns ==
          Approx(reference_ns(dev, 8, CollectiveKind::send_recv, in_node, 0, 2, 4, &inter)).epsilon(1e-12));
    CHECK_FALSE(inter);
    // TP 8 x PP 2: the stages are on two nodes, ranks 0 and 8 talk over the network.
    const Row across = row(breakdown(dev, 8, 2, batch), "pp_send_recv");
    CHECK(across.time_ns ==
          Approx(reference_ns(dev, 16, CollectiveKind::send_recv, across, 0, 2, 8, &inter)).epsilon(1e-12));
    CHECK(inter);
    CHECK(across.time_ns > in_node.time_ns);
}

TEST_CASE("the memoised pass prices collectives like the breakdown", "[cost][collectives]") {
    const DeviceSpec dev = resolve_device("h100-sxm");
    for (auto [tp, pp] : {std::pair{16, 1}, std::pair{8, 2}, std::pair{2, 4}}) {
        models::InferenceParallel par;
        par.tp = tp;
        par.pp = pp;
        sim::ForwardCost cost(sim::make_deployment(models::resolve_model("llama-2-70b"), par,
                                                   models::Precision::from_dtype(DType::fp16), dev),
                              CostModel(dev), sim::parse_framework_overhead("none", "t"));
        models::BatchShape b;
        b.add_prefill_chunk(0, 300, true);
        for (int i = 0; i < 40; ++i)
            b.add_decode(100 + 37 * i);
        CHECK(cost.iteration_ns(b) == Approx(cost.breakdown(b).total_time_ns).epsilon(1e-9));
    }
}
