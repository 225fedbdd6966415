#pragma once
// Simulation helpers for reproduction scenarios: the same paths `llmsim run` and `llmsim plan` take, so a scenario's
// figures are what a user gets from the CLI with the settings the scenario lists.
#include <functional>
#include <optional>
#include <string>

#include "common/json_io.hpp"
#include "tools/plan/plan_slo.hpp"

namespace llmsim::tools::reproduce {

// `llmsim run --json`'s summary for these settings (keys of --config), less the wall-clock figures, plus `tbt_ms`
// (mean, p50, p90, p99, max of the time between tokens over every decode step; see token_gaps.hpp), which `run`
// does not print. Settings the run rejects are the scenario's bug (internal error naming the scenario's `label`).
OrderedJson simulate(const Json& settings, const std::string& label);

struct Goodput {
    double max_qps = 0;       // highest rate meeting the SLO (0: none does)
    double capacity_rps = 0;  // offline throughput (every request queued at t = 0)
    std::string infeasible;   // why no rate met the SLO, when max_qps is 0
    std::string limit;        // the violation at the lowest probed rate above max_qps (empty: the capacity met it)
    OrderedJson at_max;       // the summary of the run at max_qps (null when none met the SLO)
    double lowest_qps = 0;    // the lowest rate the search probes (tolerance x capacity)
    int64_t probes = 0;       // runs the search took, the offline one included
};

// The highest request rate meeting `slo` for these settings (their `qps` is replaced by the search), bisected as
// `llmsim plan` does to within `qps_tolerance` of the capacity. The settings' SLO targets are set from `slo` (the
// attainment check reads them).
Goodput max_goodput(const Json& settings, const PlanSlo& slo, const std::string& label, double qps_tolerance = 0.02);

// An SLO that `plan` cannot state (e.g. on tbt_ms): nullopt when a summary of simulate() meets it, else the broken
// constraint in words.
using RateCheck = std::function<std::optional<std::string>(const OrderedJson& summary)>;

// max_goodput's search with `meets` deciding each probe: the offline run gives the capacity C, then the highest rate
// in [qps_tolerance x C, C] meeting it is bisected until the bracket is narrower than qps_tolerance x C (rates rounded
// to 4 significant digits).
Goodput max_rate(const Json& settings, const RateCheck& meets, const std::string& label, double qps_tolerance = 0.02);

// One entry of Reproduction::runs: what was run and the figures read from it.
OrderedJson run_entry(const std::string& label, const Json& settings, const OrderedJson& figures);

}  // namespace llmsim::tools::reproduce
