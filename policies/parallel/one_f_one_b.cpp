// 1F1B (PipeDream-Flush, Narayanan et al. 2021): rank r warms up with pp - r - 1 forwards, then alternates one
// forward and one backward, then drains the remaining backwards. At most pp - r micro-batches are in flight.
#include <algorithm>

#include "policies/parallel/schedule.hpp"

namespace llmsim::policies {

std::vector<RankOrder> one_f_one_b_orders(int32_t pp, int32_t m, int32_t /*vpp*/) {
    std::vector<RankOrder> orders(static_cast<size_t>(pp));
    for (int32_t r = 0; r < pp; ++r) {
        RankOrder& o = orders[static_cast<size_t>(r)];
        o.reserve(static_cast<size_t>(2 * m));
        const int32_t warmup = std::min(pp - r - 1, m);
        int32_t next_f = 0;
        int32_t next_b = 0;
        for (; next_f < warmup; ++next_f)
            o.push_back({PipeTaskKind::forward, next_f, 0});
        while (next_f < m) {
            o.push_back({PipeTaskKind::forward, next_f++, 0});
            o.push_back({PipeTaskKind::backward, next_b++, 0});
        }
        while (next_b < m)
            o.push_back({PipeTaskKind::backward, next_b++, 0});
    }
    return orders;
}

int32_t one_f_one_b_in_flight(int32_t pp, int32_t m, int32_t /*vpp*/, int32_t rank) {
    return std::min(pp - rank, m);
}

}  // namespace llmsim::policies
