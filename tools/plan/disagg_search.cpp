#include "tools/plan/disagg_search.hpp"

#include <fmt/format.h>

#include "common/error.hpp"
#include "tools/disagg_setup.hpp"
#include "tools/plan/run_cache.hpp"
#include "tools/run_config.hpp"
#include "tools/serving_setup.hpp"

namespace llmsim::tools {
namespace {

std::string pool_spec(int64_t replicas, const std::string& hardware, int64_t tp) {
    return fmt::format("replicas={},hardware={},tp={}", replicas, hardware, tp);
}

}  // namespace

std::string DisaggPlacement::label() const {
    return fmt::format("prefill {}x tp={} + decode {}x tp={}", prefill_replicas, prefill_tp, decode_replicas,
                       decode_tp);
}

DisaggSearchResult disagg_search(const Json& base, const DisaggSearchOptions& o) {
    DisaggSearchResult out;
    RunCache cache(nullptr, 0);
    int64_t index = 0;
    for (int64_t tp_p : o.tp) {
        for (int64_t tp_d : o.tp) {
            for (int64_t n_p = 1; n_p * tp_p + tp_d <= o.gpu_budget; ++n_p) {
                for (int64_t n_d = 1; n_p * tp_p + n_d * tp_d <= o.gpu_budget; ++n_d) {
                    DisaggPlacement p;
                    p.prefill_replicas = n_p;
                    p.prefill_tp = tp_p;
                    p.decode_replicas = n_d;
                    p.decode_tp = tp_d;
                    p.gpus = n_p * tp_p + n_d * tp_d;
                    Json settings = base;
                    settings["prefill-pool"] = pool_spec(n_p, o.prefill_hardware, tp_p);
                    settings["decode-pool"] = pool_spec(n_d, o.decode_hardware, tp_d);
                    Candidate c;
                    c.index = index++;
                    c.label = p.label();
                    c.gpus = p.gpus;
                    try {
                        // Resolve as a run would, so the settings are the run's key form.
                        RunConfig cfg;
                        cfg.resolve_from_json(settings, "disagg-search");
                        ServingSetup prefill;
                        (void)make_disagg_setup(cfg, prefill);
                        c.settings = cfg.resolved_json();
                    } catch (const Error& e) {
                        if (e.kind() == ErrorKind::internal) throw;
                        p.status = "error";
                        p.reason = e.what();
                        out.placements.push_back(p);
                        continue;
                    }
                    const CandidateResult r = search_candidate(c, o.plan, cache);
                    p.status = r.status;
                    p.reason = r.reason;
                    p.capacity_rps = r.capacity_rps;
                    p.max_qps = r.max_qps;
                    p.goodput_per_gpu = r.max_qps / static_cast<double>(p.gpus);
                    p.settings = c.settings;
                    p.settings["qps"] = r.max_qps > 0 ? OrderedJson(r.max_qps) : OrderedJson();
                    out.placements.push_back(p);
                }
            }
        }
    }
    for (size_t i = 0; i < out.placements.size(); ++i) {
        const DisaggPlacement& p = out.placements[i];
        if (p.status != "ok" || p.max_qps <= 0) continue;
        if (!out.best) {
            out.best = i;
            continue;
        }
        const DisaggPlacement& b = out.placements[*out.best];
        if (p.goodput_per_gpu > b.goodput_per_gpu || (p.goodput_per_gpu == b.goodput_per_gpu && p.gpus < b.gpus))
            out.best = i;
    }
    return out;
}

}  // namespace llmsim::tools
