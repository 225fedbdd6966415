#include "hardware/custom_all_reduce.hpp"

#include <algorithm>

#include "common/error.hpp"

namespace llmsim::hardware {

std::optional<CollectiveEstimate> custom_all_reduce(double bytes, const GroupShape& group,
                                                    const CustomAllReduceModel& model) {
    if (group.size <= 1 || bytes <= 0) return CollectiveEstimate{};
    if (group.inter_node() || bytes > model.max_bytes) return std::nullopt;
    LLMSIM_ASSERT(group.intra.bandwidth_bytes_per_s > 0, "custom all-reduce over a path without bandwidth");
    const double n = group.size;
    const double read_bytes_per_s = group.intra.bandwidth_bytes_per_s * model.link_efficiency;
    const double one_shot_transfer = (n - 1) * bytes / read_bytes_per_s * 1e9;
    const double two_shot_transfer = 2 * (n - 1) / n * bytes / read_bytes_per_s * 1e9;
    CollectiveEstimate e;
    if (model.sync_ns + one_shot_transfer <= 2 * model.sync_ns + two_shot_transfer) {
        e.latency_ns = model.sync_ns;
        e.transfer_ns = one_shot_transfer;
    } else {
        e.latency_ns = 2 * model.sync_ns;
        e.transfer_ns = two_shot_transfer;
    }
    e.time_ns = e.latency_ns + e.transfer_ns;
    return e;
}

}  // namespace llmsim::hardware
