#pragma once
// The pipeline schedule as a dependency graph simulated on the discrete-event engine. Tasks are the forward and
// backward passes of each micro-batch on each virtual stage; edges are the data dependencies (activations forward,
// gradients backward, with the point-to-point transfer delay) plus each rank's execution order from the schedule
// policy. The bubble is whatever idle time the simulation produces.
#include <cstdint>
#include <vector>

#include "sim/training/pipeline_schedule.hpp"

namespace llmsim::sim {

struct PipelineTimes {
    int32_t pp = 1;
    int32_t vpp = 1;
    int32_t microbatches = 1;
    // Durations per virtual stage (index chunk * pp + rank), whole nanoseconds.
    std::vector<int64_t> forward_ns;
    std::vector<int64_t> backward_ns;
    int64_t p2p_ns = 0;              // activation / gradient transfer between consecutive virtual stages
    bool p2p_blocks_sender = false;  // blocking sends: the sending rank is busy for the transfer too
};

struct PipelineResult {
    int64_t makespan_ns = 0;
    std::vector<int64_t> busy_ns;    // per rank
    std::vector<int64_t> finish_ns;  // per rank: when its last task ended
    std::vector<int32_t> sends;      // per rank: point-to-point sends it made
    int32_t busiest_rank = 0;
    double bubble_fraction = 0;  // idle share of the busiest rank
    uint64_t events = 0;
};

// Runs the schedule's rank orders; asserts that the orders are consistent with the dependencies (no deadlock).
PipelineResult simulate_pipeline(const std::vector<RankOrder>& orders, const PipelineTimes& times);

}  // namespace llmsim::sim
