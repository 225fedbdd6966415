#pragma once
// Request send times of inference-perf load stages.
#include <cstdint>
#include <vector>

#include "common/rng.hpp"
#include "traces/inference_perf/config.hpp"

namespace llmsim::traces::inference_perf {

struct ScheduledRequest {
    int64_t time_ns = 0;
    int32_t stage = 0;
};

// Every stage sends int(rate * duration) requests. Stage k starts when stage k-1's window (duration) and the
// load.interval pause have passed (inference-perf waits for the previous stage's requests to finish as well, which
// a static schedule cannot know). Times are non-decreasing.
std::vector<ScheduledRequest> schedule_requests(const LoadConfig& load, Rng& rng);

// Number of requests a stage sends: int(rate * duration) as inference-perf computes it.
int64_t stage_request_count(const StageConfig& stage);

}  // namespace llmsim::traces::inference_perf
