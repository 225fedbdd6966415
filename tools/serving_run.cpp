#include "tools/serving_run.hpp"

#include <chrono>

#include "common/bounded.hpp"
#include "common/error.hpp"

#include "policies/cluster_spec.hpp"
#include "tools/report/chrome_trace.hpp"
#include "traces/workload_builder.hpp"

namespace llmsim::tools {

ServingReport ServingOutcome::report() const {
    ServingReport r;
    r.summary = summary;
    r.setup = &setup;
    r.run = &run;
    r.workload_source = workload.source;
    r.workload = &workload;
    return r;
}

namespace {

// The workload readers name their settings as flags ("--arrival"); a value that came from a config file is blamed
// on its JSON pointer instead, the place the user has to edit.
traces::Workload build_workload_at(const RunConfig& cfg, const traces::WorkloadOptions& options) {
    try {
        return traces::build_workload(options);
    } catch (const Error& e) {
        const std::string& w = e.where();
        if (w.rfind("--", 0) != 0 || e.kind() == ErrorKind::internal) throw;
        const std::string key = w.substr(2);
        const std::string actual = cfg.has(key) ? cfg.where(key) : w;
        if (actual == w) throw;
        const std::string what = std::string(e.what()).substr(w.size() + 2);
        throw_error(e.kind(), actual, what);
    }
}

}  // namespace

ServingOutcome simulate_serving(RunConfig& cfg, ChromeTraceWriter* trace,
                                const std::vector<sim::LifecycleObserver*>& observers) {
    ServingOutcome o{make_serving_setup(cfg), {}, {}, {}, {}};
    o.workload = build_workload_at(cfg, o.setup.workload);
    for (const auto& note : o.workload.notes)
        o.notes.push_back("warning: " + note);
    if (!o.workload.segments.empty() && !o.setup.cluster.prefix_caching) {
        o.notes.push_back(
            "note: the workload describes shared prompt content (prefix reuse); --prefix-cache on simulates reusing "
            "it");
    }
    const auto t0 = std::chrono::steady_clock::now();
    o.run = policies::simulate(o.setup.cluster, *o.setup.cost, o.workload, trace, observers);
    o.summary = sim::summarize(o.run.requests, o.setup.slo);
    o.summary.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return o;
}

}  // namespace llmsim::tools
