#include "tools/plan/plan_space.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "common/error.hpp"
#include "policies/engine/engine_preset.hpp"
#include "policies/scheduler/scheduler_registry.hpp"
#include "tools/run_config.hpp"
#include "tools/serving_setup.hpp"
#include "tools/sweep/parallel_for.hpp"

namespace llmsim::tools {
namespace {

// One combination as listed, before resolution.
struct Combination {
    std::string hardware;
    std::optional<std::string> engine, scheduler;
    int64_t tp = 1, pp = 1;
    std::optional<int64_t> max_batch, chunk_size;
};

bool reads(const policies::SchedulerInfo& s, const char* key) {
    return std::find(s.settings.begin(), s.settings.end(), key) != s.settings.end();
}

// The setup errors that mean "this combination cannot run" (the rest are the base settings' fault): the model
// code names the parallel degree or the model when a shard does not divide or does not fit.
std::optional<std::string> prune_reason(const Error& e) {
    if (e.kind() == ErrorKind::internal) return std::nullopt;
    if (e.where() == "--tp") return "TP does not divide the attention or KV heads";
    if (e.where() == "--pp") return "PP exceeds the layers";
    if (e.where() == "--ep") return "EP does not divide the experts";
    if (e.where() == "--model" && std::string(e.what()).find("does not fit") != std::string::npos) {
        return "weights + activations + runtime exceed the usable memory per GPU";
    }
    return std::nullopt;
}

std::string label_of(const OrderedJson& s) {
    return fmt::format("{} tp={} pp={} {}/{} batch={} chunk={}", s.at("hardware").get<std::string>(),
                       s.at("tp").get<int64_t>(), s.at("pp").get<int64_t>(), s.at("engine").get<std::string>(),
                       s.at("scheduler").get<std::string>(), s.at("max-batch").get<int64_t>(),
                       s.at("chunk-size").get<int64_t>());
}

std::vector<Combination> combinations_of(const PlanAxes& axes, const std::string& base_engine, PlanSpace& space) {
    const std::vector<std::optional<std::string>> engines = [&] {
        std::vector<std::optional<std::string>> out;
        for (const auto& e : axes.engines)
            out.emplace_back(e);
        if (out.empty()) out.emplace_back(std::nullopt);
        return out;
    }();
    std::vector<Combination> out;
    std::set<std::string> noted;
    for (const auto& hw : axes.hardware) {
        for (const auto& engine : engines) {
            const policies::EnginePreset preset = policies::resolve_engine(engine.value_or(base_engine), "--engine");
            std::vector<std::optional<std::string>> schedulers;
            for (const auto& s : axes.schedulers)
                schedulers.emplace_back(s);
            if (schedulers.empty()) schedulers.emplace_back(std::nullopt);
            for (const auto& scheduler : schedulers) {
                const auto& info =
                    policies::scheduler_registry().get(scheduler.value_or(preset.scheduler), "--scheduler");
                // A knob the scheduler never reads would repeat the same run under another key: one run stands for
                // all its values.
                std::vector<std::optional<int64_t>> batches, chunks;
                for (int64_t b : axes.max_batch)
                    batches.emplace_back(b);
                for (int64_t c : axes.chunk_size)
                    chunks.emplace_back(c);
                for (const auto& [values, key] : {std::pair{&batches, "max-batch"}, std::pair{&chunks, "chunk-size"}}) {
                    if (values->size() > 1 && !reads(info, key)) {
                        space.collapsed += static_cast<int64_t>(values->size() - 1) *
                                           static_cast<int64_t>(axes.tp.size() * axes.pp.size());
                        const std::string note = fmt::format("scheduler {} does not read --{}", info.name, key);
                        if (noted.insert(note).second) space.collapse_notes.push_back(note);
                        values->assign(1, std::nullopt);
                    }
                    if (values->empty()) values->emplace_back(std::nullopt);
                }
                for (int64_t tp : axes.tp) {
                    for (int64_t pp : axes.pp) {
                        for (const auto& b : batches) {
                            for (const auto& c : chunks) {
                                out.push_back({hw, engine, scheduler, tp, pp, b, c});
                            }
                        }
                    }
                }
            }
        }
    }
    return out;
}

}  // namespace

std::map<std::string, int64_t> PlanSpace::pruned_by_reason() const {
    std::map<std::string, int64_t> out;
    for (const auto& p : pruned)
        ++out[p.reason];
    return out;
}

PlanSpace build_plan_space(const OrderedJson& base, const PlanAxes& axes, int64_t longest_request_tokens, int threads) {
    LLMSIM_ASSERT(!axes.hardware.empty() && !axes.tp.empty() && !axes.pp.empty(), "plan axes must not be empty");
    PlanSpace space;
    const std::string base_engine =
        base.contains("engine") ? base.at("engine").get<std::string>() : "vllm";  // the run setting's default
    const std::vector<Combination> combos = combinations_of(axes, base_engine, space);
    space.combinations = static_cast<int64_t>(combos.size()) + space.collapsed;

    struct Resolved {
        std::optional<Candidate> candidate;
        std::optional<PrunedCombination> pruned;
    };
    std::vector<Resolved> resolved(combos.size());
    parallel_for(static_cast<int64_t>(combos.size()), threads, [&](int64_t i) {
        const Combination& c = combos[static_cast<size_t>(i)];
        OrderedJson settings = base;
        settings["hardware"] = c.hardware;
        if (c.engine) settings["engine"] = *c.engine;
        if (c.scheduler) settings["scheduler"] = *c.scheduler;
        settings["tp"] = c.tp;
        settings["pp"] = c.pp;
        settings["replicas"] = 1;
        if (c.max_batch) settings["max-batch"] = *c.max_batch;
        if (c.chunk_size) settings["chunk-size"] = *c.chunk_size;
        RunConfig cfg;
        cfg.resolve_from_json(Json(settings), "plan");
        Resolved& r = resolved[static_cast<size_t>(i)];
        const std::string listed = fmt::format("{} tp={} pp={}", c.hardware, c.tp, c.pp);
        try {
            const ServingSetup setup = make_serving_setup(cfg);
            Candidate cand;
            cand.settings = cfg.resolved_json();
            cand.hardware = setup.device.id;
            cand.engine = cfg.text("engine");
            cand.scheduler = cfg.text("scheduler");
            cand.tp = c.tp;
            cand.pp = c.pp;
            cand.max_batch = cfg.integer("max-batch");
            cand.chunk_size = cfg.integer("chunk-size");
            cand.gpus = c.tp * c.pp;
            if (setup.device.price_per_hour_usd) {
                cand.usd_per_hour = *setup.device.price_per_hour_usd * static_cast<double>(cand.gpus);
            }
            cand.label = label_of(cand.settings);
            if (setup.kv.tokens < longest_request_tokens) {
                r.pruned = PrunedCombination{
                    "KV cache smaller than the longest request",
                    fmt::format("{} KV tokens per replica < {} tokens (the workload's longest prompt + output)",
                                setup.kv.tokens, longest_request_tokens),
                    cand.label};
                return;
            }
            r.candidate = std::move(cand);
        } catch (const Error& e) {
            const auto reason = prune_reason(e);
            if (!reason) throw;
            r.pruned = PrunedCombination{*reason, e.what(), listed};
        }
    });
    std::set<std::string> seen;  // aliases and collapsed defaults can resolve to the same run
    for (auto& r : resolved) {
        if (r.pruned) space.pruned.push_back(std::move(*r.pruned));
        if (!r.candidate) continue;
        if (!seen.insert(r.candidate->settings.dump()).second) {
            ++space.collapsed;
            continue;
        }
        r.candidate->index = static_cast<int64_t>(space.candidates.size());
        space.candidates.push_back(std::move(*r.candidate));
    }
    return space;
}

}  // namespace llmsim::tools
