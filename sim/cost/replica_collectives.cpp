#include "sim/cost/replica_collectives.hpp"

#include <fmt/format.h>
#include <algorithm>

#include "common/error.hpp"
#include "hardware/custom_all_reduce.hpp"

namespace llmsim::sim {

namespace {

bool same_path(const hardware::PathInfo& a, const hardware::PathInfo& b) {
    return a.bandwidth_bytes_per_s == b.bandwidth_bytes_per_s && a.latency_ns == b.latency_ns && a.hops == b.hops;
}

bool same_shape(const hardware::GroupShape& a, const hardware::GroupShape& b) {
    return a.size == b.size && a.nodes == b.nodes && a.ranks_per_node == b.ranks_per_node &&
           same_path(a.intra, b.intra) && same_path(a.inter, b.inter);
}

CommGroup group_of(const models::Op& op) {
    if (op.name == "tp_all_reduce") return CommGroup::tp;
    if (op.name == "pp_send_recv") return CommGroup::pp;
    if (op.name == "ep_all_to_all") return CommGroup::ep;
    throw InternalError("serving collective", fmt::format("no communicator for collective op '{}'", op.name));
}

}  // namespace

ReplicaCollectives::ReplicaCollectives(const hardware::DeviceSpec& device, const models::InferenceParallel& parallel,
                                       bool custom_all_reduce)
    : device_(device) {
    // The custom kernel needs peer access over NVLink: PCIe-only boxes (and GeForce cards without P2P) keep NCCL.
    // Beyond two GPUs every rank must reach every other over NVLink (vLLM's custom_all_reduce.py: "not supported on
    // more than two PCIe-only GPUs"), which a pairwise bridge gives only to the pair it joins.
    const std::string& link = device_.intra_node.kind;
    const bool nvlink = link.find("nvlink") != std::string::npos || link.find("nvswitch") != std::string::npos;
    const bool pairwise = link.find("pairwise") != std::string::npos;
    custom_all_reduce_ = custom_all_reduce && nvlink && (!pairwise || parallel.tp <= 2);
    const int32_t tp = parallel.tp;
    const int32_t ep = parallel.ep;
    const int32_t pp = parallel.pp;
    const int32_t stage = tp * ep;
    const int32_t gpus = stage * pp;
    if (gpus <= 1) return;  // no collectives

    const hardware::TopologySpec spec = hardware::topology_from_device(device_);
    const int32_t nodes = (gpus + spec.gpus_per_node - 1) / spec.gpus_per_node;
    if (spec.gpus_per_node > 1 && spec.nvlink_bytes_per_s <= 0) {
        throw UsageError("--hardware", fmt::format("{} has no intra-node link bandwidth (interconnect.intra_node), "
                                                   "which a replica of {} GPUs needs",
                                                   device_.id, gpus));
    }
    if (nodes > 1 && spec.nic_bytes_per_s <= 0) {
        throw UsageError("--hardware",
                         fmt::format("{} has no inter-node link bandwidth (interconnect.inter_node), which a replica "
                                     "of {} GPUs on nodes of {} needs",
                                     device_.id, gpus, spec.gpus_per_node));
    }
    topology_ = std::make_unique<hardware::Topology>(spec, gpus);
    model_ = std::make_unique<hardware::CollectiveModel>(device_, *topology_);

    auto add = [&](CommGroup axis, int32_t first, int32_t size, int32_t stride) {
        if (size <= 1) return;
        const hardware::GroupShape shape = topology_->group(first, size, stride);
        auto& v = shapes_[static_cast<size_t>(axis)];
        if (std::none_of(v.begin(), v.end(), [&](const auto& s) { return same_shape(s, shape); })) {
            v.push_back(shape);
        }
    };
    for (int32_t s = 0; s < pp; ++s) {
        const int32_t base = s * stage;
        for (int32_t e = 0; e < ep; ++e)
            add(CommGroup::tp, base + e * tp, tp, 1);
        for (int32_t t = 0; t < tp; ++t)
            add(CommGroup::ep, base + t, ep, tp);
        if (s + 1 < pp) {
            for (int32_t r = 0; r < stage; ++r)
                add(CommGroup::pp, base + r, 2, stage);
        }
    }
}

hardware::OpCost ReplicaCollectives::price(const models::Op& op) const {
    hardware::OpCost c;
    c.bound = hardware::Bound::communication;
    if (op.group_size <= 1 || op.bytes <= 0 || op.kernels <= 0) return c;
    const auto& candidates = shapes(group_of(op));
    LLMSIM_ASSERT(
        !candidates.empty() && candidates.front().size == op.group_size,
        fmt::format("collective op '{}' over {} GPUs does not match the replica's groups", op.name, op.group_size));
    const bool custom =
        custom_all_reduce_ && group_of(op) == CommGroup::tp && op.collective == CollectiveKind::all_reduce;
    hardware::CollectiveEstimate slowest;
    for (const auto& shape : candidates) {
        std::optional<hardware::CollectiveEstimate> fast;
        if (custom) fast = hardware::custom_all_reduce(op.bytes, shape);
        const hardware::CollectiveEstimate e = fast ? *fast : model_->estimate(op.collective, op.bytes, shape);
        if (e.time_ns > slowest.time_ns) slowest = e;
    }
    c.overhead_ns = op.kernels * slowest.latency_ns;
    c.comm_ns = op.kernels * slowest.transfer_ns;
    c.time_ns = op.kernels * slowest.time_ns;
    return c;
}

}  // namespace llmsim::sim
