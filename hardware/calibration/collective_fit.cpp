#include "hardware/calibration/collective_fit.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <tuple>

#include "common/error.hpp"
#include "hardware/cost_model.hpp"

namespace llmsim::hardware {

double predict_collective_ns(const CollectiveProfile& p, CollectiveKind kind, const Link& link, double bytes) {
    const double bus = CostModel::bus_bytes(kind, bytes, p.gpus);
    return static_cast<double>(p.latency_ns) +
           bus / (link.bandwidth_bytes_per_s * p.bus_efficiency_by_bytes.at(bytes)) * 1e9;
}

std::vector<CollectiveFit> fit_collectives(const std::vector<const Measurement*>& rows, const DeviceSpec& device) {
    std::map<std::tuple<CollectiveKind, int32_t, bool>, std::vector<const Measurement*>> groups;
    for (const auto* r : rows) {
        const auto kind = collective_from_name(r->op_name);
        if (!kind) {
            throw InputError("collective measurement", "unknown collective '" + r->op_name +
                                                           "' (expected all_reduce, all_gather, reduce_scatter, "
                                                           "all_to_all or send_recv in op_name)");
        }
        groups[{*kind, r->group_size, r->inter_node()}].push_back(r);
    }
    std::vector<CollectiveFit> out;
    for (auto& [key, members] : groups) {
        const auto [kind, gpus, inter] = key;
        if (members.size() < kMinPointsPerKernelFit) continue;
        const Link& link = inter ? device.inter_node : device.intra_node;
        if (link.bandwidth_bytes_per_s <= 0) continue;
        std::sort(members.begin(), members.end(), [](auto* a, auto* b) { return a->bytes < b->bytes; });
        // Latency: median time of the smallest tenth of messages (at least 3), where bandwidth is negligible.
        const size_t small = std::max<size_t>(3, members.size() / 10);
        std::vector<double> small_times;
        for (size_t i = 0; i < std::min(small, members.size()); ++i)
            small_times.push_back(members[i]->time_ns_median);
        std::sort(small_times.begin(), small_times.end());
        const double latency = small_times[small_times.size() / 2];
        CollectiveFit fit;
        fit.kind = kind;
        fit.inter_node = inter;
        fit.profile.gpus = gpus;
        fit.profile.latency_ns = static_cast<int64_t>(std::llround(latency));
        std::vector<std::pair<double, double>> samples;
        for (const auto* r : members) {
            const double transfer_ns = r->time_ns_median - latency;
            if (transfer_ns <= 0.05 * r->time_ns_median) continue;  // latency-dominated: says nothing of bandwidth
            const double bus = CostModel::bus_bytes(kind, r->bytes, gpus);
            samples.emplace_back(r->bytes, std::min(1.0, bus / (link.bandwidth_bytes_per_s * transfer_ns * 1e-9)));
        }
        if (samples.empty()) samples.emplace_back(members.back()->bytes, 1e-3);
        fit.profile.bus_efficiency_by_bytes = isotonic_curve(samples, 3);
        std::vector<double> pred;
        std::vector<double> meas;
        for (const auto* r : members) {
            pred.push_back(predict_collective_ns(fit.profile, kind, link, r->bytes));
            meas.push_back(r->time_ns_median);
        }
        fit.stats = error_stats(pred, meas);
        out.push_back(fit);
    }
    return out;
}

}  // namespace llmsim::hardware
