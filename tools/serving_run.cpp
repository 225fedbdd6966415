#include "tools/serving_run.hpp"

#include <chrono>
#include <optional>

#include "policies/cluster_spec.hpp"
#include "tools/progress_bar.hpp"
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

}  // namespace llmsim::tools
