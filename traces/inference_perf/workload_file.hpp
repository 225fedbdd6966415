#pragma once
// `--workload FILE`: an inference-perf config (or llmsim workload JSON with the same keys) turned into a Workload.
#include <cstdint>
#include <string>

#include "traces/workload.hpp"

namespace llmsim::traces {

// Deterministic for a (file, seed) pair: draws come from RngStreams(seed) stream "workload". Requests are sorted by
// arrival; RequestSpec::after indices refer to that order.
Workload read_workload_file(const std::string& path, uint64_t seed);

}  // namespace llmsim::traces
