#pragma once
// The `llmsim run` summary: the contract's JSON object and the human-readable table.
#include <string>

#include "common/json_io.hpp"
#include "sim/serving/cluster.hpp"
#include "sim/serving/metrics.hpp"
#include "tools/disagg_setup.hpp"
#include "tools/serving_setup.hpp"
#include "traces/workload.hpp"

namespace llmsim::tools {

struct ServingReport {
    sim::ServingSummary summary;
    const ServingSetup* setup = nullptr;
    const sim::ServingRun* run = nullptr;
    std::string workload_source;
    const traces::Workload* workload = nullptr;  // for per-stage summaries
    const DisaggSetup* disagg = nullptr;         // disaggregated runs: the decode pool (setup is the prefill pool)
};

OrderedJson serving_summary_json(const ServingReport& r);
// serving_summary_json without its wall-clock figures, which differ from one execution to the next: what sweeps, plans
// and reproductions store and compare.
OrderedJson deterministic_summary_json(const ServingReport& r);
std::string serving_summary_table(const ServingReport& r);

}  // namespace llmsim::tools
