#include "tools/reproduce/repro_runs.hpp"

#include "common/error.hpp"
#include "tools/disagg_setup.hpp"
#include "tools/plan/plan_search.hpp"
#include "tools/plan/run_cache.hpp"
#include "tools/report/serving_report.hpp"
#include "tools/run_config.hpp"
#include "tools/serving_run.hpp"
#include "tools/serving_setup.hpp"

namespace llmsim::tools::reproduce {
namespace {

[[noreturn]] void scenario_bug(const std::string& label, const Error& e) {
    throw InternalError("reproduce " + label, std::string("the scenario gave settings the simulator rejects: ") + e.what());
}

}  // namespace

OrderedJson simulate(const Json& settings, const std::string& label) {
    try {
        RunConfig cfg;
        cfg.resolve_from_json(settings, "reproduce " + label);
        const ServingOutcome outcome = simulate_serving(cfg);
        OrderedJson summary = serving_summary_json(outcome.report());
        summary.erase("wall_s");
        summary.erase("simulated_requests_per_wall_s");
        return summary;
    } catch (const Error& e) {
        if (e.kind() == ErrorKind::internal) throw;
        scenario_bug(label, e);
    }
}

Goodput max_goodput(const Json& settings, const PlanSlo& slo, const std::string& label, double qps_tolerance) {
    Candidate c;
    c.label = label;
    try {
        RunConfig cfg;
        cfg.resolve_from_json(settings, "reproduce " + label);
        // Fills the derived defaults the run key covers.
        if (wants_disaggregation(cfg)) {
            ServingSetup prefill;
            (void)make_disagg_setup(cfg, prefill);
        } else {
            (void)make_serving_setup(cfg);
        }
        c.settings = cfg.resolved_json();
    } catch (const Error& e) {
        if (e.kind() == ErrorKind::internal) throw;
        scenario_bug(label, e);
    }
    PlanOptions o;
    o.slo = slo;
    o.qps_tolerance = qps_tolerance;
    RunCache cache(nullptr, 0);
    const CandidateResult r = search_candidate(c, o, cache);
    if (r.status == "error") throw InternalError("reproduce " + label, r.reason);
    Goodput g;
    g.capacity_rps = r.capacity_rps;
    if (r.status == "ok") {
        g.max_qps = r.max_qps;
    } else {
        g.infeasible = r.reason;
    }
    return g;
}

OrderedJson run_entry(const std::string& label, const Json& settings, const OrderedJson& figures) {
    OrderedJson e;
    e["label"] = label;
    e["settings"] = OrderedJson::parse(settings.dump());
    e["figures"] = figures;
    return e;
}

}  // namespace llmsim::tools::reproduce
