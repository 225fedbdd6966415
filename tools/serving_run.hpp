#pragma once
// One serving simulation from resolved `run` settings: the path `llmsim run` takes, shared by `llmsim sweep` so
// a sweep's rows are exactly what `run --json` prints for the same settings.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sim/serving/batch_observer.hpp"
#include "sim/serving/cluster.hpp"
#include "sim/serving/metrics.hpp"
#include "tools/disagg_setup.hpp"
#include "tools/report/serving_report.hpp"
#include "tools/run_config.hpp"
#include "tools/serving_setup.hpp"
#include "traces/workload.hpp"

namespace llmsim::tools {

class ChromeTraceWriter;

struct ServingOutcome {
    ServingSetup setup;                    // colocated: the run's; disaggregated: the prefill pool's
    std::unique_ptr<DisaggSetup> disagg;  // disaggregated runs only
    traces::Workload workload;
    sim::ServingRun run;
    sim::ServingSummary summary;
    std::vector<std::string> notes;  // warnings for stderr (workload notes, features the workload suggests)
    std::string timeline_csv;        // timeline.csv (tools/report/timeline.hpp) when asked for, else empty

    // The report views this object: it must outlive the report.
    [[nodiscard]] ServingReport report() const;
};

// One stderr line when the device's efficiency curves are transferred or defaults (not measured on it).
std::optional<std::string> provenance_warning(const hardware::DeviceSpec& device);

// What a run records or shows beyond its results; all off by default (and then free).
struct ServingHooks {
    ChromeTraceWriter* chrome_trace = nullptr;  // batch slices (and, disaggregated, KV transfer slices)
    bool record_timeline = false;           // fill ServingOutcome::timeline_csv
    bool progress = false;                  // a progress bar on stderr (see ProgressBar::wanted)
    // See every request's lifecycle events (figures the summary does not carry, e.g. time between tokens).
    std::vector<sim::LifecycleObserver*> lifecycle;
};

// `cfg` must be resolved. Fills derived defaults into `cfg` (see make_serving_setup).
ServingOutcome simulate_serving(RunConfig& cfg, const ServingHooks& hooks = {});

// Everything `llmsim run` does with resolved settings but print: checks --out/--chrome-trace, simulates, writes
// the --out files (each complete or not at all), and returns the outcome with the summary object --json prints.
// Shared by the command line and the Python module, so both return the same object for the same settings.
struct ServingRunResult {
    ServingOutcome outcome;
    OrderedJson summary;
};
// `progress`: a progress bar on stderr (the CLI decides; the Python module never shows one).
ServingRunResult run_serving(RunConfig& cfg, bool progress = false);

}  // namespace llmsim::tools
