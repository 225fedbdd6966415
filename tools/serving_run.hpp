#pragma once
// One serving simulation from resolved `run` settings: the path `llmsim run` takes, shared by `llmsim sweep` so
// a sweep's rows are exactly what `run --json` prints for the same settings.
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

// `cfg` must be resolved. Fills derived defaults into `cfg` (see make_serving_setup). `trace` may be null;
// `observers` see every request's lifecycle events (figures the summary does not carry, e.g. time between tokens).
ServingOutcome simulate_serving(RunConfig& cfg, ChromeTraceWriter* trace = nullptr,
                                const std::vector<sim::LifecycleObserver*>& observers = {});

}  // namespace llmsim::tools
