#pragma once
// MegaScale's data-parallel overlap for interleaved pipelines (Jiang et al., NSDI 2024, section 3.2): each model
// chunk's gradients are reduce-scattered as soon as its last backward ends, behind the backward passes of the
// lower chunks that follow in Megatron's interleaved cooldown, and each chunk's updated parameters are all-gathered
// ahead of its first forward of the next step, behind the warm-up forwards of the chunks before it. Only the last
// reduce (chunk 0's) and the first gather (chunk 0's) cannot overlap with computation; MegaScale hides that gather
// behind data loading, which the simulator does not model, so it stays exposed here.
#include <cstdint>
#include <vector>

namespace llmsim::sim {

// One model chunk on one pipeline rank; times for one micro-batch's pass, and the chunk's DP collectives.
struct ChunkDp {
    double forward_ns = 0;
    double backward_ns = 0;
    double reduce_ns = 0;  // gradient reduce-scatter (or all-reduce) of the chunk's parameters
    double gather_ns = 0;  // all-gather of its updated parameters
};

struct ChunkDpExposure {
    double reduce_ns = 0;  // past the end of the rank's last backward
    double gather_ns = 0;  // before (or stalling) the next step's forwards
};

// `chunks` indexed by chunk (0 = the first layers); `group` = micro-batches per chunk group of the interleaved
// schedule (pp): after chunk c's last backward the rank still runs `group` backward passes of every lower chunk,
// and before chunk c's first forward it runs `group` forward passes of every earlier chunk. One communication
// stream serves the collectives in the order they become ready.
ChunkDpExposure chunked_dp_exposure(const std::vector<ChunkDp>& chunks, int32_t group);

}  // namespace llmsim::sim
