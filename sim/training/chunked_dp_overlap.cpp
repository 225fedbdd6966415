#include "sim/training/chunked_dp_overlap.hpp"

#include <algorithm>

#include "common/error.hpp"

namespace llmsim::sim {

ChunkDpExposure chunked_dp_exposure(const std::vector<ChunkDp>& chunks, int32_t group) {
    LLMSIM_ASSERT(!chunks.empty() && group >= 1, "chunked DP overlap needs chunks and a group size");
    const auto n = static_cast<int32_t>(chunks.size());
    ChunkDpExposure e;
    // Backward: time 0 is the end of the highest chunk's last backward; chunk c's last backward ends `group` of its
    // passes after chunk c + 1's. Reduces queue on one stream in that order.
    double ready = 0;
    double stream = 0;
    for (int32_t c = n - 1; c >= 0; --c) {
        const ChunkDp& k = chunks[static_cast<size_t>(c)];
        if (c < n - 1) ready += group * k.backward_ns;
        stream = std::max(stream, ready) + k.reduce_ns;
    }
    e.reduce_ns = stream - ready;  // `ready` is now the end of the rank's computation
    // Forward of the next step: chunk 0's gather precedes any compute; chunk c's must end before its first forward,
    // `group` forwards of each earlier chunk in. A late gather stalls every later forward by the same amount, so
    // the stall is the largest lateness.
    e.gather_ns = chunks.front().gather_ns;
    double need = 0;
    double gathered = 0;
    double stall = 0;
    for (int32_t c = 1; c < n; ++c) {
        need += group * chunks[static_cast<size_t>(c - 1)].forward_ns;
        gathered += chunks[static_cast<size_t>(c)].gather_ns;
        stall = std::max(stall, gathered - need);
    }
    e.gather_ns += stall;
    return e;
}

}  // namespace llmsim::sim
