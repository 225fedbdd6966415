#include "tools/serving_run.hpp"

#include <chrono>
#include <optional>

#include "policies/cluster_spec.hpp"
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

ServingOutcome simulate_serving(RunConfig& cfg, sim::BatchObserver* observer, bool record_timeline) {
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
    if (record_timeline) timeline.emplace(std::vector<int32_t>{o.setup.cluster.replicas});
    ObserverFanout observers;
    observers.add(observer);
    if (timeline) observers.add(&*timeline);
    const auto t0 = std::chrono::steady_clock::now();
    o.run = policies::simulate(o.setup.cluster, *o.setup.cost, o.workload, observers.get());
    o.summary = sim::summarize(o.run.requests, o.setup.slo);
    o.summary.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (timeline) o.timeline_csv = timeline->csv();
    return o;
}

}  // namespace llmsim::tools
