#include "tools/serving_run.hpp"

#include <chrono>

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

ServingOutcome simulate_serving(RunConfig& cfg, ChromeTraceWriter* trace) {
    ServingOutcome o{make_serving_setup(cfg), {}, {}, {}, {}};
    o.workload = traces::build_workload(o.setup.workload);
    if (auto note = provenance_warning(o.setup.device)) o.notes.push_back(*note);
    for (const auto& note : o.workload.notes)
        o.notes.push_back("warning: " + note);
    if (!o.workload.segments.empty() && !o.setup.cluster.prefix_caching) {
        o.notes.push_back(
            "note: the workload describes shared prompt content (prefix reuse); --prefix-cache on simulates reusing "
            "it");
    }
    const auto t0 = std::chrono::steady_clock::now();
    o.run = policies::simulate(o.setup.cluster, *o.setup.cost, o.workload, trace);
    o.summary = sim::summarize(o.run.requests, o.setup.slo);
    o.summary.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return o;
}

}  // namespace llmsim::tools
