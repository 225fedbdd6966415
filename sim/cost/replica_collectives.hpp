#pragma once
// The collectives of one serving replica (TP all-reduce, PP send/recv, EP all-to-all), priced by the topology-aware
// collective model that training uses (hardware/topology.*, hardware/collectives.*), on the groups they run on.
//
// Placement: the replica's tp x ep x pp GPUs start at the first GPU of a node and are numbered as the deployment
// places them: TP ranks contiguous, then the TP blocks of the EP group, then the pipeline stages
// (rank = stage x tp x ep + e x tp + t). TP groups are tp consecutive ranks; EP groups are ep ranks tp apart; a stage
// boundary is each rank of stage s paired with the same rank of stage s + 1 (tp x ep apart). All groups of an axis
// run their collective at once and the pass waits for the slowest, so an op is priced on the slowest of its axis'
// group shapes. The shapes are worked out once, here; pricing does no graph work.
#include <array>
#include <cstdint>
#include <memory>
#include <vector>

#include "hardware/collectives.hpp"
#include "hardware/cost_model.hpp"
#include "hardware/device_spec.hpp"
#include "hardware/topology.hpp"
#include "models/layer_ops.hpp"
#include "models/parallel.hpp"

namespace llmsim::sim {

enum class CommGroup { tp, ep, pp };

class ReplicaCollectives {
  public:
    // Throws UsageError("--hardware", ...) when the replica needs a link the device does not describe.
    // `custom_all_reduce`: TP all-reduces inside an NVLink domain use the custom kernel
    // (hardware/custom_all_reduce.hpp) where it applies.
    ReplicaCollectives(const hardware::DeviceSpec& device, const models::InferenceParallel& parallel,
                       bool custom_all_reduce = false);
    ReplicaCollectives(const ReplicaCollectives&) = delete;
    ReplicaCollectives& operator=(const ReplicaCollectives&) = delete;

    // `op.kernels` calls of a collective op of the serving op list (the group is chosen by the op's name).
    [[nodiscard]] hardware::OpCost price(const models::Op& op) const;

    // Distinct shapes of the groups of an axis (empty when the axis has a single rank).
    [[nodiscard]] const std::vector<hardware::GroupShape>& shapes(CommGroup axis) const {
        return shapes_[static_cast<size_t>(axis)];
    }

  private:
    hardware::DeviceSpec device_;  // the collective model keeps references to the device and the topology
    std::unique_ptr<hardware::Topology> topology_;
    std::unique_ptr<hardware::CollectiveModel> model_;
    std::array<std::vector<hardware::GroupShape>, 3> shapes_;
    bool custom_all_reduce_ = false;
};

}  // namespace llmsim::sim
