#include "tools/serving_run.hpp"

#include <chrono>
#include <memory>
#include <optional>

#include "common/atomic_file.hpp"
#include "common/error.hpp"

#include "policies/cluster_spec.hpp"
#include "tools/progress_bar.hpp"
#include "tools/report/chrome_trace.hpp"
#include "tools/report/observer_fanout.hpp"
#include "tools/report/timeline.hpp"
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

ServingOutcome simulate_serving(RunConfig& cfg, const ServingHooks& hooks) {
    ServingOutcome o{make_serving_setup(cfg), {}, {}, {}, {}, {}};
    o.workload = traces::build_workload(o.setup.workload);
    for (const auto& note : o.workload.notes)
        o.notes.push_back("warning: " + note);
    if (!o.workload.segments.empty() && !o.setup.cluster.prefix_caching) {
        o.notes.push_back(
            "note: the workload describes shared prompt content (prefix reuse); --prefix-cache on simulates reusing "
            "it");
    }
    std::optional<TimelineRecorder> timeline;
    if (hooks.record_timeline) timeline.emplace(std::vector<int32_t>{o.setup.cluster.replicas});
    ObserverFanout observers;
    observers.add(hooks.batches);
    if (timeline) observers.add(&*timeline);
    std::optional<ProgressBar> bar;
    std::optional<RequestProgress> request_progress;
    std::vector<sim::LifecycleObserver*> lifecycle = hooks.lifecycle;
    if (hooks.progress) {
        bar.emplace("llmsim run: simulating", static_cast<int64_t>(o.workload.requests.size()), "requests");
        lifecycle.push_back(&request_progress.emplace(*bar));
    }
    const auto t0 = std::chrono::steady_clock::now();
    o.run = policies::simulate(o.setup.cluster, *o.setup.cost, o.workload, observers.get(), lifecycle);
    if (bar) bar->finish();
    o.summary = sim::summarize(o.run.requests, o.setup.slo);
    o.summary.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (timeline) o.timeline_csv = timeline->csv();
    return o;
}

ServingRunResult run_serving(RunConfig& cfg, bool progress) {
    const auto out_dir = cfg.opt_text("out");
    const bool chrome = cfg.flag("chrome-trace");
    if (chrome && !out_dir) throw UsageError(cfg.where("chrome-trace"), "needs --out DIR to write trace.json into");
    if (out_dir) ensure_directory(*out_dir);

    std::unique_ptr<ChromeTraceWriter> trace;
    if (chrome) trace = std::make_unique<ChromeTraceWriter>();
    ServingRunResult r{simulate_serving(cfg, {trace.get(), out_dir.has_value(), progress, {}}), {}};
    r.summary = serving_summary_json(r.outcome.report());
    if (out_dir) {
        // Everything is computed before anything is written, and each file is renamed into place complete.
        const std::string& dir = *out_dir;
        const std::string csv = sim::requests_csv(r.outcome.run.requests, !r.outcome.setup.cluster.spec_decode.empty());
        write_file_atomic(dir + "/config.resolved.json", cfg.resolved_json().dump(2) + "\n");
        write_file_atomic(dir + "/requests.csv", csv);
        write_file_atomic(dir + "/timeline.csv", r.outcome.timeline_csv);
        if (trace) write_file_atomic(dir + "/trace.json", trace->finish());
        write_file_atomic(dir + "/summary.json", r.summary.dump(2) + "\n");
    }
    return r;
}

}  // namespace llmsim::tools
