#pragma once
// Engine calibration from serving measurements: replays each measured experiment through the simulator with a trial
// engine preset and fits the preset's host-loop and front-end parameters (microseconds) to the measured mean TTFT
// and E2E of its unsaturated scopes. Objective: mean |log(simulated / measured)| over those scopes, TTFT and E2E
// weighted equally. Search: coordinate steps in log space, the step shrinking when no move helps; deterministic.
// Held-out errors: the experiments are split into folds (one per model when there are several, else one per
// experiment), each fold predicted by a fit on the others.
#include <cstdint>
#include <string>
#include <vector>

#include "policies/engine/engine_preset.hpp"
#include "tools/calibration/serving_log.hpp"

namespace llmsim::tools {

struct EngineFitOptions {
    std::string hardware;  // device every experiment ran on
    std::vector<std::string> params = {"host.per_step_us", "host.per_seq_us", "front_end.ingress_us"};
    int32_t max_rounds = 12;  // coordinate rounds per fit
    uint64_t seed = 0;        // workload seed
};

// Names `params` may hold, as written in engine JSON (section.key, microseconds).
const std::vector<std::string>& engine_fit_parameters();

struct ServingFitRow {
    std::string label;  // "experiment stage_N" or "experiment summary"
    std::string model;
    bool saturated = false;
    double ttft_measured_ms = 0, ttft_simulated_ms = 0;
    double e2e_measured_ms = 0, e2e_simulated_ms = 0;
};

struct EngineFitReport {
    policies::EnginePreset fitted;
    std::vector<std::pair<std::string, double>> values_us;  // fitted parameters
    std::vector<ServingFitRow> in_sample;                   // every scope, final fit
    std::vector<ServingFitRow> held_out;                    // unsaturated scopes, each predicted without its fold
    std::string holdout_scheme;
    int32_t evaluations = 0;
};

// Throws UsageError for unknown parameter names (naming --fit) and InputError for experiments that cannot be set up.
EngineFitReport fit_engine(const policies::EnginePreset& base, const std::vector<ServingExperiment>& experiments,
                           const EngineFitOptions& options);

// The fit as markdown: parameters, in-sample and held-out rows with errors, medians.
std::string engine_fit_report_markdown(const EngineFitReport& report, const std::string& log_path);

// Median |relative error| of TTFT or E2E over the unsaturated rows (0 when none).
double median_ttft_error(const std::vector<ServingFitRow>& rows);
double median_e2e_error(const std::vector<ServingFitRow>& rows);

}  // namespace llmsim::tools
