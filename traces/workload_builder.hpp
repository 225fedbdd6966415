#pragma once
// The one entry point `llmsim run` uses to turn workload flags into a Workload.
#include <cstdint>
#include <optional>
#include <string>

#include "traces/trace_format.hpp"
#include "traces/workload.hpp"

namespace llmsim::traces {

struct WorkloadOptions {
    std::optional<std::string> trace_path;  // --trace
    std::string trace_format = "auto";      // --trace-format
    std::optional<int64_t> num_requests;    // --num-requests
    std::optional<double> qps;              // --qps; +inf = every request at t=0
    std::optional<std::string> arrival;     // --arrival poisson | gamma:CV | uniform
    std::optional<std::string> lengths;     // --lengths fixed:IN:OUT | trace:PATH | builtin:NAME | stats:PATH
    uint64_t seed = 0;                      // --seed
    // --workload: inference-perf config (YAML) or llmsim workload JSON; it defines arrivals, lengths and count.
    std::optional<std::string> workload_path;
};

inline constexpr const char* default_builtin_lengths = "builtin:azure-conv-2023";
inline constexpr int64_t default_synthetic_requests = 1000;

// Semantics:
//  * --trace with timestamps: replays its arrivals (the first N requests with --num-requests). --qps X rescales
//    time so the mean rate is X (burstiness kept); --qps inf puts every request at t=0. --arrival/--lengths are
//    usage errors here, as is asking for more requests than the trace has.
//  * --trace without timestamps (lengths only): rows in file order, wrapping around when N exceeds them
//    (default N = the trace's rows); arrivals from --qps (required) and --arrival (default poisson).
//  * no --trace: lengths from --lengths (default builtin:azure-conv-2023), N default 1000, arrivals from --qps and
//    --arrival (default poisson). Without --qps, a timestamped builtin supplies its mean rate, and without --arrival
//    too, a gamma process with its inter-arrival CV: a synthetic workload shaped like the source trace.
//  * --workload FILE: the file's load stages and data generator (traces/inference_perf); --trace, --lengths,
//    --arrival, --qps and --num-requests are usage errors with it.
// Random draws come from RngStreams(seed) streams "arrivals" and "lengths": same options, same workload.
Workload build_workload(const WorkloadOptions& options);

}  // namespace llmsim::traces
