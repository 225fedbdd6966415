#pragma once
// Simulation helpers for reproduction scenarios: the same paths `llmsim run` and `llmsim plan` take, so a scenario's
// figures are what a user gets from the CLI with the settings the scenario lists.
#include <string>

#include "common/json_io.hpp"
#include "tools/plan/plan_slo.hpp"

namespace llmsim::tools::reproduce {

// `llmsim run --json`'s summary for these settings (keys of --config), less the wall-clock figures. Settings the run
// rejects are the scenario's bug (internal error naming the scenario's `label`).
OrderedJson simulate(const Json& settings, const std::string& label);

struct Goodput {
    double max_qps = 0;       // highest rate meeting the SLO (0: none does)
    double capacity_rps = 0;  // offline throughput (every request queued at t = 0)
    std::string infeasible;   // why no rate met the SLO, when max_qps is 0
};

// The highest request rate meeting `slo` for these settings (their `qps` is replaced by the search), bisected as
// `llmsim plan` does to within `qps_tolerance` of the capacity.
Goodput max_goodput(const Json& settings, const PlanSlo& slo, const std::string& label, double qps_tolerance = 0.02);

// One entry of Reproduction::runs: what was run and the figures read from it.
OrderedJson run_entry(const std::string& label, const Json& settings, const OrderedJson& figures);

}  // namespace llmsim::tools::reproduce
