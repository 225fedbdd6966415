// GPipe (Huang et al. 2019): every forward, then every backward. Same bubble as 1F1B but all m micro-batches are
// in flight, so it needs far more activation memory; kept as a reference point.
#include "policies/parallel/schedule.hpp"

namespace llmsim::policies {

std::vector<RankOrder> gpipe_orders(int32_t pp, int32_t m, int32_t /*vpp*/) {
    std::vector<RankOrder> orders(static_cast<size_t>(pp));
    for (auto& o : orders) {
        o.reserve(static_cast<size_t>(2 * m));
        for (int32_t i = 0; i < m; ++i)
            o.push_back({PipeTaskKind::forward, i, 0});
        for (int32_t i = 0; i < m; ++i)
            o.push_back({PipeTaskKind::backward, i, 0});
    }
    return orders;
}

int32_t gpipe_in_flight(int32_t /*pp*/, int32_t m, int32_t /*vpp*/, int32_t /*rank*/) {
    return m;
}

}  // namespace llmsim::policies
