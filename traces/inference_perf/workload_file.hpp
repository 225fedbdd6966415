#pragma once
// `--workload FILE`: an inference-perf config (or llmsim workload JSON with the same keys) turned into a Workload.
#include <cstdint>
#include <string>

#include "traces/inference_perf/config.hpp"
#include "traces/workload.hpp"

namespace llmsim::traces {

// Deterministic for a (file, seed) pair: draws come from RngStreams(seed) stream "workload". Requests are sorted by
// arrival; RequestSpec::after indices refer to that order.
Workload read_workload_file(const std::string& path, uint64_t seed);
// The same for a config already read (e.g. one written from a serving log's columns).
Workload workload_from_config(const inference_perf::InferencePerfConfig& config, uint64_t seed);

}  // namespace llmsim::traces
