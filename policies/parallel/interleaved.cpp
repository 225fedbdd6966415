// Interleaved 1F1B (Narayanan et al. SC'21, section 2.2.2), following Megatron-LM's
// forward_backward_pipelining_with_interleaving: each rank holds vpp model chunks; micro-batches go through the
// chunks in groups of pp; warm-up is (pp - r - 1) * 2 + (vpp - 1) * pp forwards. The bubble shrinks by vpp at
// the cost of vpp times more point-to-point transfers.
#include <algorithm>

#include "policies/parallel/schedule.hpp"

namespace llmsim::policies {
namespace {

// The k-th forward (or backward) a rank runs: which chunk and micro-batch (Megatron's get_model_chunk_id).
int32_t warmup_forwards(int32_t pp, int32_t m, int32_t vpp, int32_t rank) {
    const int32_t total = m * vpp;
    if (m == pp) return total;  // Megatron runs every forward first when there is one group of micro-batches
    return std::min((pp - rank - 1) * 2 + (vpp - 1) * pp, total);
}

PipeTask virtual_task(PipeTaskKind kind, int32_t k, int32_t pp, int32_t vpp) {
    const int32_t in_group = k % (pp * vpp);
    int32_t chunk = in_group / pp;
    if (kind == PipeTaskKind::backward) chunk = vpp - 1 - chunk;
    const int32_t microbatch = (k / (pp * vpp)) * pp + k % pp;
    return {kind, microbatch, chunk};
}

}  // namespace

std::vector<RankOrder> interleaved_orders(int32_t pp, int32_t m, int32_t vpp) {
    if (vpp <= 1) return one_f_one_b_orders(pp, m, 1);
    std::vector<RankOrder> orders(static_cast<size_t>(pp));
    const int32_t total = m * vpp;
    for (int32_t r = 0; r < pp; ++r) {
        RankOrder& o = orders[static_cast<size_t>(r)];
        o.reserve(static_cast<size_t>(2 * total));
        const int32_t warmup = warmup_forwards(pp, m, vpp, r);
        int32_t f = 0;
        int32_t b = 0;
        for (; f < warmup; ++f)
            o.push_back(virtual_task(PipeTaskKind::forward, f, pp, vpp));
        while (f < total) {
            o.push_back(virtual_task(PipeTaskKind::forward, f++, pp, vpp));
            o.push_back(virtual_task(PipeTaskKind::backward, b++, pp, vpp));
        }
        while (b < total)
            o.push_back(virtual_task(PipeTaskKind::backward, b++, pp, vpp));
    }
    return orders;
}

int32_t interleaved_in_flight(int32_t pp, int32_t m, int32_t vpp, int32_t rank) {
    if (vpp <= 1) return one_f_one_b_in_flight(pp, m, 1, rank);
    const int32_t warmup = warmup_forwards(pp, m, vpp, rank);
    return std::min(warmup + 1, m * vpp);  // the first steady-state forward runs before the first backward
}

}  // namespace llmsim::policies
