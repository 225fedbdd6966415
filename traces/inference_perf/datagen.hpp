#pragma once
// What each request of an inference-perf workload asks: prompt/output lengths and, for shared_prefix, which
// content runs its prompt is made of.
#include <vector>

#include "common/rng.hpp"
#include "traces/inference_perf/config.hpp"
#include "traces/inference_perf/load_timer.hpp"
#include "traces/workload.hpp"

namespace llmsim::traces::inference_perf {

// Fills requests (in `schedule` order: inference-perf's data index i is the i-th scheduled send), segments, and
// `after` links between turns of one user. Stages and arrivals are copied from the schedule.
Workload generate_requests(const DataConfig& data, const std::vector<ScheduledRequest>& schedule, Rng& rng);

}  // namespace llmsim::traces::inference_perf
