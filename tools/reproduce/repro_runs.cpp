#include "tools/reproduce/repro_runs.hpp"

#include <fmt/format.h>

#include <cmath>
#include <limits>

#include "common/error.hpp"
#include "tools/disagg_setup.hpp"
#include "tools/plan/plan_search.hpp"
#include "tools/plan/run_cache.hpp"
#include "tools/report/serving_report.hpp"
#include "tools/run_config.hpp"
#include "tools/serving_run.hpp"
#include "tools/serving_setup.hpp"
#include "tools/reproduce/token_gaps.hpp"

namespace llmsim::tools::reproduce {
namespace {

[[noreturn]] void scenario_bug(const std::string& label, const Error& e) {
    throw InternalError("reproduce " + label, std::string("the scenario gave settings the simulator rejects: ") + e.what());
}

double round4(double v) {
    return std::round(v * 1e4) / 1e4;
}

}  // namespace

OrderedJson simulate(const Json& settings, const std::string& label) {
    try {
        RunConfig cfg;
        cfg.resolve_from_json(settings, "reproduce " + label);
        TokenGapRecorder gaps;
        const ServingOutcome outcome = simulate_serving(cfg, ServingHooks{.lifecycle = {&gaps}});
        OrderedJson summary = deterministic_summary_json(outcome.report());
        const sim::Distribution tbt = gaps.gaps_ms();
        summary["tbt_ms"] = {{"mean", round4(tbt.mean)},
                             {"p50", round4(tbt.p50)},
                             {"p90", round4(tbt.p90)},
                             {"p99", round4(tbt.p99)},
                             {"max", round4(tbt.max)}};
        return summary;
    } catch (const Error& e) {
        if (e.kind() == ErrorKind::internal) throw;
        scenario_bug(label, e);
    }
}

Goodput max_rate(const Json& settings, const RateCheck& meets, const std::string& label, double qps_tolerance) {
    LLMSIM_ASSERT(qps_tolerance > 0 && qps_tolerance < 1, "max_rate needs a tolerance in (0, 1)");
    Goodput g;
    const auto run = [&](double qps) {
        ++g.probes;
        return simulate(with_qps(settings, qps), fmt::format("{} at qps {}", label, qps));
    };
    const OrderedJson offline = run(std::numeric_limits<double>::infinity());
    g.capacity_rps = offline.at("throughput_rps").get<double>();
    LLMSIM_ASSERT(g.capacity_rps > 0, "an offline run completed nothing: " + label);
    double hi = round_qps(g.capacity_rps);
    OrderedJson at_hi = run(hi);
    if (const auto v = meets(at_hi); !v) {
        g.max_qps = hi;
        g.at_max = at_hi;
        return g;
    } else {
        g.limit = fmt::format("{} at {} req/s", *v, hi);
    }
    double lo = round_qps(g.capacity_rps * qps_tolerance);
    g.lowest_qps = lo;
    OrderedJson at_lo = run(lo);
    if (const auto v = meets(at_lo)) {
        g.infeasible = fmt::format("{} at {} req/s (the lowest rate probed)", *v, lo);
        return g;
    }
    while (hi - lo > qps_tolerance * g.capacity_rps) {
        const double mid = round_qps((lo + hi) / 2);
        if (mid <= lo || mid >= hi) break;
        OrderedJson at_mid = run(mid);
        if (const auto v = meets(at_mid)) {
            hi = mid;
            g.limit = fmt::format("{} at {} req/s", *v, mid);
        } else {
            lo = mid;
            at_lo = std::move(at_mid);
        }
    }
    g.max_qps = lo;
    g.at_max = std::move(at_lo);
    return g;
}

Goodput max_goodput(const Json& settings, const PlanSlo& slo, const std::string& label, double qps_tolerance) {
    LLMSIM_ASSERT(slo.ttft_ms || slo.tpot_ms, "max_goodput needs a latency target: " + label);
    Candidate c;
    c.label = label;
    try {
        // The attainment check reads the run's own targets: they are the SLO's.
        Json with_slo = settings;
        for (const char* k : {"slo-ttft-ms", "slo_ttft_ms", "slo-tpot-ms", "slo_tpot_ms"})
            with_slo.erase(k);
        if (slo.ttft_ms) with_slo["slo-ttft-ms"] = *slo.ttft_ms;
        if (slo.tpot_ms) with_slo["slo-tpot-ms"] = *slo.tpot_ms;
        RunConfig cfg;
        cfg.resolve_from_json(with_slo, "reproduce " + label);
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
    g.lowest_qps = round_qps(r.capacity_rps * qps_tolerance);
    g.probes = static_cast<int64_t>(r.probes.size());
    if (r.failed_above >= 0) {
        const Probe& p = r.probes[static_cast<size_t>(r.failed_above)];
        g.limit = fmt::format("{} at {} req/s", p.violation.value_or("run failed"), p.qps);
    }
    if (r.status == "ok") {
        g.max_qps = r.max_qps;
        g.at_max = r.probes[static_cast<size_t>(r.best_probe)].run.summary;
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
