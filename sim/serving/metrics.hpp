#pragma once
// Serving metrics as the CLI contract defines them: TTFT = first token - arrival (queueing included);
// TPOT = (e2e - ttft) / (output_tokens - 1) for requests with more than one output token; e2e = last token -
// arrival; percentiles over completed requests; throughputs over (last completion - first arrival).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/json_io.hpp"
#include "sim/serving/request_state.hpp"

namespace llmsim::sim {

struct Distribution {
    double mean = 0, p50 = 0, p90 = 0, p99 = 0, max = 0;
    size_t count = 0;
};
// Percentiles by linear interpolation between closest ranks; reorders `values`.
Distribution distribution_of(std::vector<double>& values);

struct SloTargets {
    std::optional<double> ttft_ms;
    std::optional<double> tpot_ms;
    [[nodiscard]] bool any() const { return ttft_ms || tpot_ms; }
};

struct ServingSummary {
    int64_t requests = 0;
    int64_t completed = 0;
    int64_t rejected = 0;
    double sim_duration_s = 0;
    double wall_s = 0;
    double throughput_rps = 0;
    double output_tokens_per_s = 0;
    double input_tokens_per_s = 0;
    Distribution ttft_ms, tpot_ms, e2e_ms, queue_ms;
    int64_t preemptions = 0;
    std::optional<double> slo_attainment;  // fraction of all requests meeting every given target
    std::optional<double> goodput_rps;     // completed requests meeting the SLOs per second
};

ServingSummary summarize(const std::vector<RequestState>& requests, const SloTargets& slo);

// TPOT of one finished request with more than one output token.
double tpot_ms(const RequestState& r);

// One row per request (requests.csv): request_table (sim/serving/request_table.hpp) as printed text.
// `spec_decode`: adds the column spec_accepted_tokens (output tokens that came from accepted drafts).
// `kv_transfer` (disaggregated runs): adds kv_transfer_ms, the time the request's KV took to reach its decode replica.
std::string requests_csv(const std::vector<RequestState>& requests, bool spec_decode = false,
                         bool kv_transfer = false);

}  // namespace llmsim::sim
