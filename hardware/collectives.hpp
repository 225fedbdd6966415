#pragma once
// Collective costs on a topology: alpha-beta models of NCCL's ring and double-binary-tree algorithms (`automatic`
// picks the faster, as NCCL's tuner does) and of an explicit two-level hierarchical all-reduce (reduce-scatter in
// the node, all-reduce across nodes per rail, all-gather in the node) that frameworks can request. Bandwidth comes from
// the topology (bottleneck of the ring-neighbour paths; a ring spanning nodes with g ranks per node runs g channels,
// one per rail); efficiency and latency come from the device's calibrated collective profiles (fitted on NCCL
// measurements, see hardware/calibration/collective_fit.cpp):
//   intra-node: the profile of the nearest group size: its bus efficiency by message size together with its own
//               latency (the pair the calibration fitted), the latency scaled to other step counts by the pooled
//               line below;
//   inter-node: the best bus efficiency any calibrated inter-node profile reached at that size (the profiled
//               cluster shared fewer NICs among more GPUs than a rail-optimised node; the topology now models the
//               sharing, so only the protocol efficiency is taken from the measurements), latency from the pooled
//               line (that efficiency is an envelope over the profiles at the topology's bandwidth, not one profile's
//               fit, so there is no single profile latency to pair it with; the A100 line is within 4% of every
//               inter-node profile's own latency);
//   pooled latency line: fixed + per_step x steps, least-squares over the calibrated profiles of each link class
//               (intra-node: only without a profile, and for per-step scaling).
#include <cstdint>
#include <optional>
#include <string_view>

#include "common/kernel.hpp"
#include "hardware/device_spec.hpp"
#include "hardware/topology.hpp"

namespace llmsim::hardware {

enum class CollectiveAlgo { automatic, ring, tree, hierarchical };
std::string_view collective_algo_name(CollectiveAlgo a);
std::optional<CollectiveAlgo> collective_algo_from_name(std::string_view name);

struct CollectiveEstimate {
    double time_ns = 0;
    double latency_ns = 0;   // alpha part
    double transfer_ns = 0;  // beta part
    CollectiveAlgo algo = CollectiveAlgo::ring;
};

// Latency of a link class: fixed + per_step x algorithm steps.
struct AlphaModel {
    double fixed_ns = 0;
    double per_step_ns = 0;
};

class CollectiveModel {
  public:
    CollectiveModel(const DeviceSpec& device, const Topology& topology);

    // `bytes` is the per-GPU buffer (all-reduce: the buffer each rank holds; all-gather: the gathered output;
    // reduce-scatter: the input; all-to-all: what each rank sends in total; send/recv: the message).
    [[nodiscard]] CollectiveEstimate estimate(CollectiveKind kind, double bytes, const GroupShape& group,
                                              CollectiveAlgo algo = CollectiveAlgo::automatic) const;

    [[nodiscard]] double intra_efficiency(CollectiveKind kind, int32_t gpus, double bytes) const;
    // Alpha of an intra-node collective: the nearest calibrated profile's latency (see collectives.cpp).
    [[nodiscard]] double intra_latency(CollectiveKind kind, int32_t gpus) const;
    [[nodiscard]] double inter_efficiency(double bytes) const;
    [[nodiscard]] const AlphaModel& intra_alpha() const { return intra_alpha_; }
    [[nodiscard]] const AlphaModel& inter_alpha() const { return inter_alpha_; }
    [[nodiscard]] const Topology& topology() const { return topology_; }

    // Algorithm steps of a ring collective over n ranks (all-reduce: 2(n-1); gather/scatter/all-to-all: n-1).
    static int32_t ring_steps(CollectiveKind kind, int32_t n);

  private:
    [[nodiscard]] CollectiveEstimate intra(CollectiveKind kind, double bytes, int32_t n, const PathInfo& path) const;
    [[nodiscard]] CollectiveEstimate ring(CollectiveKind kind, double bytes, const GroupShape& g) const;
    [[nodiscard]] CollectiveEstimate tree(double bytes, const GroupShape& g) const;
    [[nodiscard]] CollectiveEstimate hierarchical(double bytes, const GroupShape& g) const;
    [[nodiscard]] CollectiveEstimate all_to_all(double bytes, const GroupShape& g) const;
    [[nodiscard]] CollectiveEstimate send_recv(double bytes, const GroupShape& g) const;
    [[nodiscard]] double inter_group_bandwidth(const GroupShape& g) const;

    const DeviceSpec& device_;
    const Topology& topology_;
    AlphaModel intra_alpha_;
    AlphaModel inter_alpha_;
    double intra_send_recv_ns_ = 0;
    double inter_send_recv_ns_ = 0;
};

}  // namespace llmsim::hardware
