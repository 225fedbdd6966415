#pragma once
// Built-in workload shapes: statistics derived by this project from public traces (traces/builtin/*.json,
// compiled into the binary), and a sampler that draws correlated (prompt, output) lengths from them.
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/json_io.hpp"
#include "common/rng.hpp"
#include "traces/trace_format.hpp"

namespace llmsim::traces {

struct LengthDistribution {
    double mean = 0;  // of the source data (the sampler reproduces it to within ~1 %)
    double median = 0;
    double p90 = 0;
    double p99 = 0;
    int64_t max = 0;
    std::vector<double> quantiles;  // quantiles[i] is the quantile at quantile_grid_probability(i, n)
};

struct BuiltinWorkload {
    std::string name;
    std::string description;
    std::string source_file;
    std::string source_format;
    std::string upstream;
    std::string licence;
    std::string citation;
    int64_t requests = 0;
    bool has_timestamps = false;
    double span_s = 0;           // only when has_timestamps
    double mean_rate_per_s = 0;  // only when has_timestamps
    double interarrival_cv = 0;  // only when has_timestamps
    LengthDistribution prompt;
    LengthDistribution output;
    double rank_correlation = 0;  // Gaussian-copula correlation of (prompt, output)
};

// Parses one statistics file (the schema `derive_workload_statistics` writes); InputError at `where` otherwise.
BuiltinWorkload parse_builtin_workload(const Json& j, const std::string& where);

// All shipped workloads, sorted by name (parsed once from the embedded files).
const std::vector<BuiltinWorkload>& builtin_workloads();
std::vector<NamedDescription> list_builtin_workloads();
// Throws UsageError(`where`, unknown name + valid list + nearest match) when absent.
const BuiltinWorkload& find_builtin_workload(std::string_view name, const std::string& where);

// One (prompt, output) pair: correlated standard normals -> uniforms via Phi -> quantile tables -> integers >= 1.
std::pair<int32_t, int32_t> sample_builtin_lengths(const BuiltinWorkload& w, Rng& rng);

}  // namespace llmsim::traces
