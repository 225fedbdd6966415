#include "tools/plan/run_cache.hpp"

#include "common/error.hpp"
#include "tools/report/serving_report.hpp"
#include "tools/run_config.hpp"
#include "tools/serving_run.hpp"
#include "tools/sweep/sweep_spec.hpp"

namespace llmsim::tools {

EvaluatedRun RunCache::evaluate(const OrderedJson& settings, int64_t point) {
    const std::string text = settings.dump();
    const std::string key = hash_hex("run " + text);  // sweep_runner's plan_runs: the same key for the same run
    {
        std::lock_guard<std::mutex> lock(m_);
        auto it = memo_.find(key);
        if (it != memo_.end()) {
            ++cached_;
            return it->second;
        }
        if (store_ != nullptr) {
            if (auto stored = store_->find(key)) {
                EvaluatedRun r{key, stored->status, stored->error, std::move(stored->summary), true};
                store_->add_members(sweep_id_, {{key, point}});
                memo_.emplace(key, r);
                ++cached_;
                return r;
            }
        }
    }
    store::RunRecord rec;
    rec.run_key = key;
    RunConfig cfg;
    cfg.resolve_from_json(Json::parse(text), "plan");
    try {
        const ServingOutcome outcome = simulate_serving(cfg);
        rec.status = "ok";
        rec.summary = deterministic_summary_json(outcome.report());
    } catch (const Error& e) {
        if (e.kind() == ErrorKind::internal) throw;
        rec.status = "error";
        rec.error = e.what();
    }
    rec.config = cfg.resolved_json();
    // The key covers every default the run derived: the settings given must already have been resolved.
    LLMSIM_ASSERT(rec.config.dump() == text, "plan run settings were not fully resolved: " + text);
    ++simulated_;
    EvaluatedRun r{key, rec.status, rec.error, rec.summary, false};
    std::lock_guard<std::mutex> lock(m_);
    if (store_ != nullptr) {
        rec.point = point;
        store_->insert(sweep_id_, {rec});
        store_->add_members(sweep_id_, {{key, point}});
    }
    memo_.emplace(key, r);
    return r;
}

}  // namespace llmsim::tools
