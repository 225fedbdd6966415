#pragma once
// One serving simulation from resolved `run` settings: the path `llmsim run` takes, shared by `llmsim sweep` so
// a sweep's rows are exactly what `run --json` prints for the same settings.
#include <optional>
#include <string>
#include <vector>

#include "sim/serving/cluster.hpp"
#include "sim/serving/metrics.hpp"
#include "tools/report/serving_report.hpp"
#include "tools/run_config.hpp"
#include "tools/serving_setup.hpp"
#include "traces/workload.hpp"

namespace llmsim::tools {

class ChromeTraceWriter;

struct ServingOutcome {
    ServingSetup setup;
    traces::Workload workload;
    sim::ServingRun run;
    sim::ServingSummary summary;
    std::vector<std::string> notes;  // warnings for stderr (workload notes, features the workload suggests)

    // The report views this object: it must outlive the report.
    [[nodiscard]] ServingReport report() const;
};

// One stderr line when the device's efficiency curves are transferred or defaults (not measured on it).
std::optional<std::string> provenance_warning(const hardware::DeviceSpec& device);

// `cfg` must be resolved. Fills derived defaults into `cfg` (see make_serving_setup). `trace` may be null.
ServingOutcome simulate_serving(RunConfig& cfg, ChromeTraceWriter* trace = nullptr);

}  // namespace llmsim::tools
