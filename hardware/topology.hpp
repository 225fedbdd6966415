#pragma once
// A GPU cluster as a graph (Boost.Graph): nodes of G GPUs on one node switch (NVSwitch), NICs on rails, a leaf
// switch per rail and pod, and spine switches joining the pods (a rail-optimised fat tree by default). Collectives
// ask it for the bottleneck bandwidth and hop latency between the ranks of a communicator.
//
// Edge bandwidths are the share one flow gets when every GPU communicates at once (the normal case in training:
// the data-parallel groups of all TP ranks reduce together): GPUs sharing a NIC split it, and traffic through an
// oversubscribed spine gets NIC bandwidth / oversubscription.
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <tuple>

#include "hardware/device_spec.hpp"

namespace llmsim::hardware {

struct TopologySpec {
    int32_t gpus_per_node = 8;
    double nvlink_bytes_per_s = 0;  // per GPU per direction into the node switch
    int64_t nvlink_latency_ns = 0;  // GPU to GPU through the node switch
    int32_t nics_per_node = 8;      // one per rail
    double nic_bytes_per_s = 0;     // per NIC per direction
    int64_t nic_latency_ns = 0;     // NIC to NIC through one switch
    int64_t switch_latency_ns = 300;
    int32_t nodes_per_leaf = 32;    // nodes in one pod (under one leaf switch per rail)
    double oversubscription = 1.0;  // leaf downlink : uplink bandwidth
    bool rail_optimized = true;     // NIC k of every node in a pod goes to leaf k; else all NICs to one leaf
};

// Node shape and link speeds from a device's interconnect description: devices_per_node GPUs on the intra-node
// link, one NIC per GPU at the inter-node link speed (the per-GPU figure of the device profile).
TopologySpec topology_from_device(const DeviceSpec& device);

struct PathInfo {
    double bandwidth_bytes_per_s = 0;  // bottleneck edge along the path
    double latency_ns = 0;             // links and switches traversed
    int32_t hops = 0;                  // edges
};

// A communicator of `size` ranks first, first + stride, ... (a flat ring in rank order, as NCCL builds them).
struct GroupShape {
    int32_t size = 1;
    int32_t nodes = 1;
    int32_t ranks_per_node = 1;  // most ranks of the group on any one node
    PathInfo intra;              // slowest ring-neighbour path inside a node (zero when none)
    PathInfo inter;              // slowest ring-neighbour path between nodes (zero when none)
    [[nodiscard]] bool inter_node() const { return nodes > 1; }
};

class Topology {
  public:
    // Throws UsageError naming the option when the shape is impossible (zero GPUs per node, no bandwidth, ...).
    Topology(TopologySpec spec, int32_t gpus);
    ~Topology();
    Topology(const Topology&) = delete;
    Topology& operator=(const Topology&) = delete;

    [[nodiscard]] const TopologySpec& spec() const { return spec_; }
    [[nodiscard]] int32_t gpus() const { return gpus_; }
    [[nodiscard]] int32_t nodes() const { return nodes_; }
    [[nodiscard]] int32_t vertices() const;
    [[nodiscard]] int32_t node_of(int32_t gpu) const { return gpu / spec_.gpus_per_node; }

    // Shortest-latency path between two GPUs (memoised by the symmetry class of the pair).
    [[nodiscard]] PathInfo path(int32_t gpu_a, int32_t gpu_b) const;
    [[nodiscard]] GroupShape group(int32_t first, int32_t size, int32_t stride) const;

  private:
    struct Graph;
    TopologySpec spec_;
    int32_t gpus_ = 0;
    int32_t nodes_ = 0;
    std::unique_ptr<Graph> graph_;
    mutable std::mutex mutex_;
    mutable std::map<std::tuple<int32_t, int32_t, int32_t>, PathInfo> path_cache_;
    mutable std::map<std::tuple<int32_t, int32_t, int32_t>, GroupShape> group_cache_;
};

}  // namespace llmsim::hardware
