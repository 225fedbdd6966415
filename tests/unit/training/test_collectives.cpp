// Collective costs against hand-computed alpha-beta values on the synthetic device (training_test_util.hpp).
#include <catch2/catch.hpp>

#include <vector>

#include "common/error.hpp"
#include "hardware/calibration/collective_fit.hpp"
#include "hardware/catalogue.hpp"
#include "hardware/collectives.hpp"
#include "hardware/topology.hpp"
#include "tests/unit/training/training_test_util.hpp"

using namespace llmsim;
using namespace llmsim::hardware;

namespace {

struct Fixture {
    DeviceSpec device = test::synthetic_device();
    TopologySpec spec = [this] {
        TopologySpec s = topology_from_device(device);
        s.switch_latency_ns = 200;
        return s;
    }();
    Topology topo{spec, 64};
    CollectiveModel model{device, topo};

    double ms(CollectiveKind kind, double bytes, int32_t size, int32_t stride,
              CollectiveAlgo algo = CollectiveAlgo::automatic) const {
        return model.estimate(kind, bytes, topo.group(0, size, stride), algo).time_ns * 1e-6;
    }
};

constexpr double kMB = 1e6;

}  // namespace

TEST_CASE("training collectives: latency is fitted as fixed + per step over the calibrated profiles", "[training]") {
    Fixture f;
    // Intra: one profile (6 steps) -> a constant. Inter: (2 steps, 50 us) and (14 steps, 110 us) -> 5 us/step + 40 us.
    CHECK(f.model.intra_alpha().fixed_ns == Approx(20000));
    CHECK(f.model.intra_alpha().per_step_ns == Approx(0));
    CHECK(f.model.inter_alpha().per_step_ns == Approx(5000));
    CHECK(f.model.inter_alpha().fixed_ns == Approx(40000));
    CHECK(f.model.inter_efficiency(1e6) == Approx(0.8));  // best inter-node profile at that size
}

TEST_CASE("training collectives: intra-node ring all-reduce, all-gather, reduce-scatter", "[training]") {
    Fixture f;
    // all-reduce of 100 MB over 4 GPUs: bus 2 * 3/4 * 100 MB = 150 MB at 100 GB/s * 0.5 = 3 ms, + 20 us.
    CHECK(f.ms(CollectiveKind::all_reduce, 100 * kMB, 4, 1) == Approx(3.02));
    // all-gather / reduce-scatter: bus 3/4 * 100 MB = 75 MB -> 1.5 ms + 20 us.
    CHECK(f.ms(CollectiveKind::all_gather, 100 * kMB, 4, 1) == Approx(1.52));
    CHECK(f.ms(CollectiveKind::reduce_scatter, 100 * kMB, 4, 1) == Approx(1.52));
    // all-to-all: each rank sends 3/4 of 80 MB = 60 MB -> 1.2 ms + 20 us (fixed; no per-step growth).
    CHECK(f.ms(CollectiveKind::all_to_all, 80 * kMB, 4, 1) == Approx(1.22));
    // send/recv: 10 us + 50 MB / (100 GB/s * 0.8).
    CHECK(f.ms(CollectiveKind::send_recv, 50 * kMB, 2, 1) == Approx(0.635));
}

TEST_CASE("training collectives: intra-node estimates reproduce each shipped calibrated profile", "[training]") {
    // The calibration fits each profile's efficiency curve on the time above that profile's own latency; on the
    // profile's group size the model must give back latency + bus_bytes / (bandwidth x efficiency) of the fit.
    for (const char* id : {"a100-sxm-80gb", "h100-sxm"}) {
        const DeviceSpec d = resolve_device(id);
        Topology topo(topology_from_device(d), d.devices_per_node);
        CollectiveModel model(d, topo);
        REQUIRE(!d.intra_node_collectives.empty());
        for (const auto& [kind, profiles] : d.intra_node_collectives) {
            for (const auto& p : profiles) {
                std::vector<double> sizes{1e3};
                for (const auto& [bytes, eff] : p.bus_efficiency_by_bytes.points())
                    sizes.push_back(bytes);
                sizes.push_back(1e9);
                for (double bytes : sizes) {
                    INFO(id << " " << collective_name(kind) << " x" << p.gpus << " at " << bytes << " B");
                    const double fitted = predict_collective_ns(p, kind, d.intra_node, bytes);
                    const CollectiveEstimate e = model.estimate(kind, bytes, topo.group(0, p.gpus, 1));
                    CHECK(e.time_ns == Approx(fitted).epsilon(0.01));
                    CHECK(e.latency_ns == Approx(static_cast<double>(p.latency_ns)).epsilon(0.01));
                }
            }
        }
    }
}

TEST_CASE("training collectives: intra-node latency of a group size without a profile", "[training]") {
    DeviceSpec d = test::synthetic_device();
    d.devices_per_node = 8;
    // Latency growing with steps: x2 (2 steps) 10 us, x8 (14 steps) 70 us -> a pure 5 us per step line, so the
    // nearest profile's latency scales by the ring-step ratio.
    d.intra_node_collectives[CollectiveKind::all_reduce] = {CollectiveProfile{2, 10000, EfficiencyCurve(0.5)},
                                                            CollectiveProfile{8, 70000, EfficiencyCurve(0.5)}};
    Topology topo(topology_from_device(d), 8);
    CollectiveModel model(d, topo);
    CHECK(model.intra_alpha().per_step_ns == Approx(5000));
    CHECK(model.intra_alpha().fixed_ns == Approx(0));
    CHECK(model.intra_latency(CollectiveKind::all_reduce, 4) == Approx(30000));  // x2: 10 us x 6 / 2 steps
    CHECK(model.intra_latency(CollectiveKind::all_reduce, 7) == Approx(60000));  // x8: 70 us x 12 / 14 steps
    // Reduce-scatter without its own profile: the all-reduce profile's latency at 7 of its 14 steps.
    CHECK(model.intra_latency(CollectiveKind::reduce_scatter, 8) == Approx(35000));
    CHECK(model.estimate(CollectiveKind::all_reduce, 1000, topo.group(0, 4, 1)).latency_ns == Approx(30000));

    // No growth with steps (the shipped A100 profiles: 2 GPUs 51 us, 4 GPUs 28 us, 8 GPUs 38 us): the nearest
    // profile's latency holds.
    const DeviceSpec a100 = resolve_device("a100-sxm-80gb");
    Topology a100_topo(topology_from_device(a100), 8);
    CollectiveModel a100_model(a100, a100_topo);
    CHECK(a100_model.intra_alpha().per_step_ns == Approx(0));
    CHECK(a100_model.intra_latency(CollectiveKind::all_reduce, 3) == Approx(51000));
    CHECK(a100_model.intra_latency(CollectiveKind::all_reduce, 7) == Approx(38000));

    // Without any profile: the link latency per ring step.
    d.intra_node_collectives.clear();
    CollectiveModel bare(d, topo);
    CHECK(bare.intra_latency(CollectiveKind::all_reduce, 4) == Approx(6 * 2000));
}

TEST_CASE("training collectives: one rank per node rings over the rail NIC", "[training]") {
    Fixture f;
    // 8 ranks, stride 4: one per node, 8 nodes in one pod. Bus 2 * 7/8 * 100 MB = 175 MB at 10 GB/s * 0.8
    // = 21.875 ms; latency 40 us + 14 steps * 5 us = 110 us (same-pod path = the calibrated one, no extra hop).
    CHECK(f.ms(CollectiveKind::all_reduce, 100 * kMB, 8, 4, CollectiveAlgo::ring) == Approx(21.985));
    // Tree: depth 3 -> 40 + 2 * 3 * 5 = 70 us; 2 * 100 MB at 8 GB/s = 25 ms.
    CHECK(f.ms(CollectiveKind::all_reduce, 100 * kMB, 8, 4, CollectiveAlgo::tree) == Approx(25.07));
    // auto picks the faster.
    CHECK(f.ms(CollectiveKind::all_reduce, 100 * kMB, 8, 4) == Approx(21.985));
    // Small messages: the tree's log-depth latency wins.
    const double small_ring = f.ms(CollectiveKind::all_reduce, 1000, 8, 4, CollectiveAlgo::ring);
    const double small_tree = f.ms(CollectiveKind::all_reduce, 1000, 8, 4, CollectiveAlgo::tree);
    CHECK(small_tree < small_ring);
    CHECK(f.ms(CollectiveKind::all_reduce, 1000, 8, 4) == Approx(small_tree));
    // Send/recv between nodes: 30 us + 50 MB / (10 GB/s * 0.8).
    CHECK(f.ms(CollectiveKind::send_recv, 50 * kMB, 2, 4) == Approx(6.28));
}

TEST_CASE("training collectives: two nodes of four ranks, ring versus hierarchical", "[training]") {
    Fixture f;
    // Ring with 4 channels (one per rail): min(4 * 10, 100) GB/s = 40 GB/s, network-bound -> 0.8 -> 32 GB/s.
    // 175 MB -> 5.46875 ms; latency 40 + 14 * 5 = 110 us.
    CHECK(f.ms(CollectiveKind::all_reduce, 100 * kMB, 8, 1, CollectiveAlgo::ring) == Approx(5.57875));
    // Hierarchical: RS intra (75 MB / 50 GB/s = 1.5 ms + 20 us), AR across 2 nodes of 25 MB per rank
    // (bus 25 MB / 8 GB/s = 3.125 ms + 40 + 2 * 5 us), AG intra (1.52 ms).
    CHECK(f.ms(CollectiveKind::all_reduce, 100 * kMB, 8, 1, CollectiveAlgo::hierarchical) == Approx(6.215));
    CHECK(f.ms(CollectiveKind::all_reduce, 100 * kMB, 8, 1) == Approx(5.57875));  // auto: NCCL's ring or tree
    // When the NIC is the bottleneck the two-level scheme sends less across the network: 4 GPUs sharing one NIC
    // (2.5 GB/s each) make the ring 10 GB/s * 0.8 -> 21.875 ms but the hierarchical 1.52 + 12.55 + 1.52 ms.
    DeviceSpec d = test::synthetic_device();
    TopologySpec one_nic = topology_from_device(d);
    one_nic.nics_per_node = 1;
    one_nic.switch_latency_ns = 200;
    Topology t(one_nic, 8);
    CollectiveModel m(d, t);
    const GroupShape g = t.group(0, 8, 1);
    CHECK(m.estimate(CollectiveKind::all_reduce, 100 * kMB, g, CollectiveAlgo::ring).time_ns * 1e-6 == Approx(21.985));
    CHECK(m.estimate(CollectiveKind::all_reduce, 100 * kMB, g, CollectiveAlgo::hierarchical).time_ns * 1e-6 ==
          Approx(15.59));
    // All-to-all: 4/8 of 80 MB leaves the node at 8 GB/s (5 ms); 3/8 stays at 50 GB/s (0.6 ms); overlapped.
    // Latency 40 us + 7 peers * 5 us.
    CHECK(f.ms(CollectiveKind::all_to_all, 80 * kMB, 8, 1) == Approx(5.075));
}

TEST_CASE("training topology: paths through the node switch, a rail leaf and the spine", "[training]") {
    DeviceSpec d = test::synthetic_device();
    TopologySpec s = topology_from_device(d);
    s.switch_latency_ns = 200;
    s.nodes_per_leaf = 2;
    s.oversubscription = 2.0;
    Topology t(s, 16);  // 4 nodes, 2 pods
    CHECK(t.nodes() == 4);
    const PathInfo intra = t.path(0, 1);
    CHECK(intra.bandwidth_bytes_per_s == Approx(100e9));
    CHECK(intra.latency_ns == Approx(2000));
    CHECK(intra.hops == 2);
    const PathInfo pod = t.path(0, 4);  // same rail, same pod: GPU-NIC-leaf-NIC-GPU
    CHECK(pod.bandwidth_bytes_per_s == Approx(10e9));
    CHECK(pod.latency_ns == Approx(4000 + 200));
    CHECK(pod.hops == 4);
    const PathInfo far = t.path(0, 8);  // other pod: through a spine, oversubscribed 2:1
    CHECK(far.bandwidth_bytes_per_s == Approx(5e9));
    CHECK(far.latency_ns == Approx(4000 + 3 * 200));
    CHECK(far.hops == 6);
    const GroupShape g = t.group(0, 8, 2);  // ranks 0,2,...,14: 2 per node on 4 nodes
    CHECK(g.nodes == 4);
    CHECK(g.ranks_per_node == 2);
    CHECK(g.inter.bandwidth_bytes_per_s == Approx(5e9));
}

TEST_CASE("training topology: GPUs sharing a NIC split its bandwidth", "[training]") {
    DeviceSpec d = test::synthetic_device();
    TopologySpec s = topology_from_device(d);
    s.nics_per_node = 1;
    Topology t(s, 8);
    CHECK(t.path(0, 4).bandwidth_bytes_per_s == Approx(2.5e9));
    CHECK_THROWS_AS(Topology(s, 0), llmsim::UsageError);
}
