#include "tools/serving_run.hpp"

#include <chrono>
#include <memory>
#include <optional>

#include "common/atomic_file.hpp"
#include "common/error.hpp"

#include "common/bounded.hpp"
#include "policies/cluster_spec.hpp"
#include "policies/disagg/disagg_spec.hpp"
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
    r.disagg = disagg.get();
    return r;
}

std::optional<std::string> provenance_warning(const hardware::DeviceSpec& device) {
    switch (device.provenance()) {
        case hardware::Provenance::transferred:
            return "warning: " + device.id +
                   "'s kernel efficiency curves are transferred from another device, not measured on it (provenance "
                   "transferred); calibrate it with llmsim bench kernels + llmsim calibrate";
        case hardware::Provenance::default_curves:
            return "warning: " + device.id +
                   " has no calibration: its kernels run on llmsim's default efficiency curves (provenance default); "
                   "calibrate it with llmsim bench kernels + llmsim calibrate";
        case hardware::Provenance::measured:
        case hardware::Provenance::partly_measured:
            break;
    }
    return std::nullopt;
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

ServingOutcome simulate_serving(RunConfig& cfg, const ServingHooks& hooks) {
    ServingOutcome o;
    if (wants_disaggregation(cfg)) {
        o.disagg = std::make_unique<DisaggSetup>(make_disagg_setup(cfg, o.setup));
    } else {
        o.setup = make_serving_setup(cfg);
    }
    o.workload = build_workload_at(cfg, o.setup.workload);
    if (auto note = provenance_warning(o.setup.device)) o.notes.push_back(*note);
    for (const auto& note : o.workload.notes)
        o.notes.push_back("warning: " + note);
    if (!o.workload.segments.empty() && !o.setup.cluster.prefix_caching) {
        o.notes.push_back(
            "note: the workload describes shared prompt content (prefix reuse); --prefix-cache on simulates reusing "
            "it");
    }
    std::optional<TimelineRecorder> timeline;
    if (hooks.record_timeline) {
        std::vector<int32_t> replicas_per_pool = {o.setup.cluster.replicas};
        if (o.disagg) replicas_per_pool.push_back(o.disagg->decode.cluster.replicas);
        timeline.emplace(std::move(replicas_per_pool));
    }
    ObserverFanout observers;
    observers.add(hooks.chrome_trace);
    if (timeline) observers.add(&*timeline);
    std::optional<ProgressBar> bar;
    std::optional<RequestProgress> request_progress;
    std::vector<sim::LifecycleObserver*> lifecycle = hooks.lifecycle;
    if (hooks.progress) {
        bar.emplace("llmsim run: simulating", static_cast<int64_t>(o.workload.requests.size()), "requests");
        lifecycle.push_back(&request_progress.emplace(*bar));
    }
    const auto t0 = std::chrono::steady_clock::now();
    if (o.disagg) {
        const policies::DisaggSpec spec{{o.setup.cluster, o.setup.cost.get()},
                                        {o.disagg->decode.cluster, o.disagg->decode.cost.get()},
                                        o.disagg->transfer};
        ChromeTraceWriter* trace = hooks.chrome_trace;
        if (trace != nullptr) {
            std::vector<std::string> names;
            for (int32_t i = 0; i < o.setup.cluster.replicas; ++i)
                names.push_back("prefill replica " + std::to_string(i));
            for (int32_t i = 0; i < o.disagg->decode.cluster.replicas; ++i)
                names.push_back("decode replica " + std::to_string(i));
            trace->set_replica_names(std::move(names));
        }
        o.run = policies::simulate_disagg(spec, o.workload, observers.get(), lifecycle);
        if (trace != nullptr) {
            for (const auto& r : o.run.requests) {
                if (r.kv_transfer_ns < 0) continue;
                trace->add_kv_transfer(o.setup.cluster.replicas + r.replica, r.id, r.kv_transfer_start_ns,
                                       r.kv_transfer_start_ns + r.kv_transfer_ns);
            }
        }
    } else {
        o.run = policies::simulate(o.setup.cluster, *o.setup.cost, o.workload, observers.get(), lifecycle);
    }
    if (bar) bar->finish();
    o.summary = sim::summarize(o.run.requests, o.setup.slo);
    o.summary.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (timeline) o.timeline_csv = timeline->csv();
    return o;
}

// The files a run writes into --out: an earlier run's set is replaced whole.
const std::vector<std::string> kRunOutputFiles = {"config.resolved.json", "requests.csv", "summary.json",
                                                  "timeline.csv", "trace.json"};

ServingRunResult run_serving(RunConfig& cfg, bool progress) {
    const auto out_dir = cfg.opt_text("out");
    const bool chrome = cfg.flag("chrome-trace");
    if (chrome && !out_dir) throw UsageError(cfg.where("chrome-trace"), "needs --out DIR to write trace.json into");
    if (out_dir) check_output_directory(*out_dir, cfg.where("out"));

    std::unique_ptr<ChromeTraceWriter> trace;
    if (chrome) trace = std::make_unique<ChromeTraceWriter>();
    ServingRunResult r{simulate_serving(cfg, {trace.get(), out_dir.has_value(), progress, {}}), {}};
    r.summary = serving_summary_json(r.outcome.report());
    if (out_dir) {
        // Everything is computed before anything is written; the directory then changes as one set.
        std::vector<std::pair<std::string, std::string>> files = {
            {"config.resolved.json", cfg.resolved_json().dump(2) + "\n"},
            {"requests.csv", sim::requests_csv(r.outcome.run.requests, !r.outcome.setup.cluster.spec_decode.empty(),
                                               r.outcome.disagg != nullptr)},
            {"timeline.csv", r.outcome.timeline_csv},
            {"summary.json", r.summary.dump(2) + "\n"}};
        if (trace) files.emplace_back("trace.json", trace->finish());
        write_directory_atomic(*out_dir, files, kRunOutputFiles, cfg.where("out"));
    }
    return r;
}

}  // namespace llmsim::tools
