#pragma once
// Summary statistics of a workload (for `llmsim trace stats`) and the derivation of the built-in workload
// statistics files (traces/builtin/*.json, written by `llmsim trace derive`).
#include <cstdint>
#include <string>

#include "common/json_io.hpp"
#include "traces/workload.hpp"

namespace llmsim::traces {

struct LengthSummary {
    double mean = 0;
    double median = 0;  // linearly interpolated percentiles, as numpy computes them
    double p90 = 0;
    double p99 = 0;
    int64_t min = 0;
    int64_t max = 0;
};

struct TraceStats {
    int64_t requests = 0;
    bool has_timestamps = false;
    double span_s = 0;           // last arrival - first arrival
    double mean_rate_per_s = 0;  // 1 / mean inter-arrival gap = (requests - 1) / span; 0 when the span is 0
    double interarrival_cv = 0;  // std / mean of inter-arrival gaps (1 for Poisson); 0 without timestamps
    LengthSummary prompt;
    LengthSummary output;
    int64_t hash_ids = 0;  // prompt-segment occurrences (Mooncake hash blocks, token-id runs...), 0 if none; the
                           // name predates segments and stays for the printed/JSON keys
    double repeated_hash_fraction = 0;  // share of those occurrences whose id appeared earlier in arrival order
};

TraceStats compute_trace_stats(const Workload& workload);
std::string format_trace_stats(const TraceStats& stats);  // human-readable table
OrderedJson trace_stats_json(const TraceStats& stats);

// Where a derived statistics file came from; written into the file so the attribution travels with it.
struct DerivationSource {
    std::string file;         // upstream file name
    std::string format;       // trace format it was read with
    std::string upstream;     // repository @ commit, path
    std::string licence;      // as stated upstream
    std::string citation;     // paper to cite, if any
    std::string description;  // one line for `llmsim list traces`
};

// Statistics of `workload` in the built-in workload JSON schema (see builtin_workloads.hpp): counts, span, rate,
// inter-arrival CV, prompt/output quantile tables (`quantiles` points on the tail-dense grid of stats_math.hpp) and the
// Gaussian-copula correlation between prompt and output length. Numbers are rounded to keep files small.
OrderedJson derive_workload_statistics(const Workload& workload, const std::string& name,
                                       const DerivationSource& source, int quantiles = 201);
// Indented JSON text with number arrays packed 16 to a line (how the built-in files are written).
std::string format_statistics_json(const OrderedJson& j);

}  // namespace llmsim::traces
