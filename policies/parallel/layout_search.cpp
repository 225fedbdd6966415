#include "policies/parallel/layout_search.hpp"

#include <algorithm>

#include "sim/training/layout_rules.hpp"

namespace llmsim::policies {
namespace {

std::vector<int32_t> divisors(int32_t n, int32_t limit) {
    std::vector<int32_t> out;
    for (int32_t d = 1; d <= std::min(n, limit); ++d) {
        if (n % d == 0) out.push_back(d);
    }
    return out;
}

std::vector<int32_t> powers_of_two(int32_t limit) {
    std::vector<int32_t> out;
    for (int32_t v = 1; v <= limit; v *= 2)
        out.push_back(v);
    return out;
}

}  // namespace

SearchSpace default_search_space(const models::ModelSpec& model, const sim::TrainingConfig& base, int32_t gpus) {
    SearchSpace s;
    for (int32_t tp : divisors(gpus, 64)) {
        if (model.num_heads % tp == 0) s.tp.push_back(tp);
    }
    s.pp = divisors(gpus, model.num_layers);
    // Context parallelism pays off for long sequences only; keep chunks of at least 512 tokens per rank.
    for (int32_t cp : powers_of_two(32)) {
        if (cp == 1 || base.shape.seq_len / cp >= 512) s.cp.push_back(cp);
    }
    s.ep = model.moe.enabled() ? divisors(model.moe.num_experts, model.moe.num_experts) : std::vector<int32_t>{1};
    s.vpp = {1, 2, 3, 4, 6, 8};
    s.micro_batch = powers_of_two(16);
    s.zero = {0, 1, 2, 3};
    s.recompute = {models::Recompute::none, models::Recompute::selective, models::Recompute::full};
    return s;
}

SearchOutcome search_layouts(sim::TrainingSimulator& sim, const sim::TrainingConfig& base, const SearchSpace& space,
                             int32_t refine_top, const RefineProgress& on_refined) {
    SearchOutcome out;
    const models::ModelSpec& model = sim.model();
    const int32_t gpus = sim.gpus();
    for (int32_t tp : space.tp) {
        for (int32_t pp : space.pp) {
            for (int32_t cp : space.cp) {
                const int64_t tpc = static_cast<int64_t>(tp) * pp * cp;
                if (gpus % tpc != 0) continue;
                const auto dp = static_cast<int32_t>(gpus / tpc);
                if (space.dp > 0 && dp != space.dp) continue;
                for (int32_t ep : space.ep) {
                    for (int32_t vpp : space.vpp) {
                        for (int32_t mbs : space.micro_batch) {
                            for (auto rc : space.recompute) {
                                for (int32_t zero : space.zero) {
                                    ++out.enumerated;
                                    sim::TrainingConfig cfg = base;
                                    cfg.parallel.tp = tp;
                                    cfg.parallel.pp = pp;
                                    cfg.parallel.cp = cp;
                                    cfg.parallel.dp = dp;
                                    cfg.parallel.ep = ep;
                                    cfg.parallel.vpp = vpp;
                                    cfg.schedule = vpp > 1 ? "interleaved"
                                                           : (base.schedule == "interleaved" ? "1f1b" : base.schedule);
                                    cfg.shape.micro_batch = mbs;
                                    cfg.recompute = rc;
                                    cfg.zero = zero;
                                    if (sim::check_training_layout(model, cfg, gpus, sim.schedules())) continue;
                                    out.candidates.push_back(sim.estimate(cfg));
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    auto better = [&](size_t a, size_t b) {
        const auto& x = out.candidates[a];
        const auto& y = out.candidates[b];
        if (x.tokens_per_s != y.tokens_per_s) return x.tokens_per_s > y.tokens_per_s;
        return x.memory.total_bytes() < y.memory.total_bytes();
    };
    for (size_t i = 0; i < out.candidates.size(); ++i) {
        if (out.candidates[i].fits) out.ranked.push_back(i);
    }
    std::sort(out.ranked.begin(), out.ranked.end(), better);
    // The closed form ignores stage imbalance and transfer delays: re-run the leaders on the DAG.
    const size_t refine = std::min(out.ranked.size(), static_cast<size_t>(std::max(0, refine_top)));
    for (size_t i = 0; i < refine; ++i) {
        auto& c = out.candidates[out.ranked[i]];
        c = sim.simulate(c.config);
        if (on_refined) on_refined(i + 1, refine);
    }
    std::stable_sort(out.ranked.begin(), out.ranked.end(), [&](size_t a, size_t b) {
        const bool da = out.candidates[a].from_dag;
        const bool db = out.candidates[b].from_dag;
        if (da != db) return da;  // simulated leaders first, ranked among themselves
        return better(a, b);
    });
    return out;
}

}  // namespace llmsim::policies
