#pragma once
// The planner's service-level objective: TTFT and TPOT targets at a percentile, and the fraction of requests that
// must meet both (DistServe's goodput criterion). A run meets it or names the first constraint it breaks.
#include <optional>
#include <string>

#include "common/json_io.hpp"

namespace llmsim::tools {

struct PlanSlo {
    std::optional<double> ttft_ms;
    std::optional<double> tpot_ms;
    int percentile = 90;      // one the summaries carry: 50, 90 or 99
    double attainment = 0.9;  // fraction of requests meeting every target, in (0, 1]

    // "p90"
    [[nodiscard]] std::string percentile_key() const {
        std::string key = "p";  // appended, not "p" + ...: GCC 12 -Wrestrict misreads that inlined insert
        key += std::to_string(percentile);
        return key;
    }
};

// Nullopt when the run summary (`run --json`) meets every constraint, else the first broken one, e.g.
// "p90 TTFT 812.5 ms > 500 ms". The summary must come from a run with the same SLO targets (slo_attainment).
std::optional<std::string> slo_violation(const OrderedJson& summary, const PlanSlo& slo);

// The flag of the constraint a violation message is about ("--slo-ttft-ms", "--slo-tpot-ms", "--slo-attainment").
std::string slo_flag_of(const std::string& violation);

}  // namespace llmsim::tools
