#include "tools/serving_run.hpp"

#include <chrono>

#include "policies/cluster_spec.hpp"
#include "policies/disagg/disagg_spec.hpp"
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
    r.disagg = disagg.get();
    return r;
}

ServingOutcome simulate_serving(RunConfig& cfg, ChromeTraceWriter* trace) {
    ServingOutcome o;
    if (wants_disaggregation(cfg)) {
        o.disagg = std::make_unique<DisaggSetup>(make_disagg_setup(cfg, o.setup));
    } else {
        o.setup = make_serving_setup(cfg);
    }
    o.workload = traces::build_workload(o.setup.workload);
    for (const auto& note : o.workload.notes)
        o.notes.push_back("warning: " + note);
    if (!o.workload.segments.empty() && !o.setup.cluster.prefix_caching) {
        o.notes.push_back(
            "note: the workload describes shared prompt content (prefix reuse); --prefix-cache on simulates reusing "
            "it");
    }
    const auto t0 = std::chrono::steady_clock::now();
    if (o.disagg) {
        const policies::DisaggSpec spec{{o.setup.cluster, o.setup.cost.get()},
                                        {o.disagg->decode.cluster, o.disagg->decode.cost.get()},
                                        o.disagg->transfer};
        if (trace != nullptr) {
            std::vector<std::string> names;
            for (int32_t i = 0; i < o.setup.cluster.replicas; ++i)
                names.push_back("prefill replica " + std::to_string(i));
            for (int32_t i = 0; i < o.disagg->decode.cluster.replicas; ++i)
                names.push_back("decode replica " + std::to_string(i));
            trace->set_replica_names(std::move(names));
        }
        o.run = policies::simulate_disagg(spec, o.workload, trace);
        if (trace != nullptr) {
            for (const auto& r : o.run.requests) {
                if (r.kv_transfer_ns < 0) continue;
                trace->add_kv_transfer(o.setup.cluster.replicas + r.replica, r.id, r.kv_transfer_start_ns,
                                       r.kv_transfer_start_ns + r.kv_transfer_ns);
            }
        }
    } else {
        o.run = policies::simulate(o.setup.cluster, *o.setup.cost, o.workload, trace);
    }
    o.summary = sim::summarize(o.run.requests, o.setup.slo);
    o.summary.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return o;
}

}  // namespace llmsim::tools
