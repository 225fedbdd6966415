#include "tools/calibration/engine_fit.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <future>
#include <set>

#include "common/error.hpp"
#include "common/nearest.hpp"
#include "policies/cluster_spec.hpp"
#include "tools/run_config.hpp"
#include "tools/serving_setup.hpp"
#include "traces/inference_perf/workload_file.hpp"

namespace llmsim::tools {
namespace {

// A parameter's value in the preset, in nanoseconds.
double& parameter_ns(policies::EnginePreset& e, const std::string& name) {
    if (name == "host.per_step_us") return e.host.per_iteration_ns;
    if (name == "host.per_seq_us") return e.host.per_seq_ns;
    if (name == "host.per_token_us") return e.host.per_token_ns;
    if (name == "host.multi_gpu_per_step_us") return e.host.multi_gpu_iteration_ns;
    if (name == "host.multi_gpu_per_seq_us") return e.host.multi_gpu_per_seq_ns;
    if (name == "front_end.ingress_us") return e.front_end.ingress_ns;
    if (name == "front_end.egress_us") return e.front_end.egress_ns;
    throw InternalError("engine fit", "no parameter " + name);
}

// Where a zero parameter starts when the search first moves it (a typical host-loop scale).
constexpr double kFirstMoveNs = 100e3;
constexpr double kMaxNs = sim::kMaxHostOverheadUs * 1e3;

struct Replay {
    const ServingExperiment* experiment;
    RunConfig cfg;
    traces::Workload workload;
};

struct StageMeans {
    double ttft_ms = 0, e2e_ms = 0;
};

std::vector<StageMeans> simulate(Replay& r, const policies::EnginePreset& engine) {
    RunConfig cfg = r.cfg;
    ServingSetup s = make_serving_setup(cfg, nullptr, &engine);
    const sim::ServingRun run = policies::simulate(s.cluster, *s.cost, r.workload);
    // Index 0: the whole run; k + 1: stage k.
    const size_t stages = r.workload.stages.size();
    std::vector<StageMeans> sums(stages + 1);
    std::vector<int64_t> counts(stages + 1, 0);
    for (const auto& q : run.requests) {
        if (q.phase() != sim::RequestPhase::finished) continue;
        const double ttft = static_cast<double>(q.first_token_ns - q.arrival_ns) * 1e-6;
        const double e2e = static_cast<double>(q.finish_ns - q.arrival_ns) * 1e-6;
        auto add = [&](size_t k) {
            sums[k].ttft_ms += ttft;
            sums[k].e2e_ms += e2e;
            ++counts[k];
        };
        add(0);
        if (q.stage >= 0 && static_cast<size_t>(q.stage) < stages) add(static_cast<size_t>(q.stage) + 1);
    }
    for (size_t k = 0; k <= stages; ++k) {
        if (counts[k] == 0) continue;
        sums[k].ttft_ms /= static_cast<double>(counts[k]);
        sums[k].e2e_ms /= static_cast<double>(counts[k]);
    }
    return sums;
}

std::vector<ServingFitRow> rows_of(Replay& r, const policies::EnginePreset& engine, bool unsaturated_only) {
    const auto means = simulate(r, engine);
    std::vector<ServingFitRow> rows;
    for (const auto& t : r.experiment->targets) {
        if (unsaturated_only && t.saturated) continue;
        const size_t k = t.stage < 0 ? 0 : static_cast<size_t>(t.stage) + 1;  // 0: the whole run
        if (k >= means.size()) {
            throw InputError(t.where, "scope stage_" + std::to_string(t.stage) + " but the experiment has " +
                                          std::to_string(means.size() - 1) + " load stages");
        }
        ServingFitRow row;
        row.label = r.experiment->name + (t.stage < 0 ? " summary" : " stage_" + std::to_string(t.stage));
        row.model = r.experiment->model;
        row.saturated = t.saturated;
        row.ttft_measured_ms = t.ttft_mean_ms;
        row.e2e_measured_ms = t.e2e_mean_ms;
        row.ttft_simulated_ms = means[k].ttft_ms;
        row.e2e_simulated_ms = means[k].e2e_ms;
        rows.push_back(row);
    }
    return rows;
}

double log_error(double simulated, double measured) {
    return std::abs(std::log(std::max(simulated, 1e-9) / measured));
}

bool has_target(const Replay& r) {
    return std::any_of(r.experiment->targets.begin(), r.experiment->targets.end(),
                       [](const ServingTarget& t) { return !t.saturated; });
}

class Fitter {
  public:
    Fitter(std::vector<Replay*> replays, const std::vector<std::string>& params, int32_t max_rounds)
        : replays_(std::move(replays)), params_(params), max_rounds_(max_rounds) {}

    policies::EnginePreset fit(policies::EnginePreset e) {
        double best = objective(e);
        double factor = 4.0;
        for (int32_t round = 0; round < max_rounds_ && factor > 1.05; ++round) {
            bool moved = false;
            for (const auto& p : params_) {
                const double v = parameter_ns(e, p);
                std::vector<double> candidates;
                if (v <= 0) {
                    candidates = {kFirstMoveNs / factor, kFirstMoveNs};
                } else {
                    candidates = {std::min(v * factor, kMaxNs), v / factor};
                    if (factor >= 4.0) candidates.push_back(0.0);
                }
                for (double c : candidates) {
                    policies::EnginePreset trial = e;
                    parameter_ns(trial, p) = c;
                    const double score = objective(trial);
                    if (score < best - 1e-9) {
                        best = score;
                        e = trial;
                        moved = true;
                        break;
                    }
                }
            }
            if (!moved) factor = std::sqrt(factor);
        }
        return e;
    }
    [[nodiscard]] int32_t evaluations() const { return evaluations_; }

  private:
    double objective(const policies::EnginePreset& e) {
        ++evaluations_;
        // Experiments are independent and each replay is deterministic: run them side by side.
        std::vector<std::future<std::vector<ServingFitRow>>> pending;
        pending.reserve(replays_.size());
        for (Replay* r : replays_)
            pending.push_back(std::async(std::launch::async, [r, &e] { return rows_of(*r, e, true); }));
        double sum = 0;
        int64_t n = 0;
        for (auto& p : pending) {
            for (const auto& row : p.get()) {
                sum += log_error(row.ttft_simulated_ms, row.ttft_measured_ms) +
                       log_error(row.e2e_simulated_ms, row.e2e_measured_ms);
                n += 2;
            }
        }
        return n > 0 ? sum / static_cast<double>(n) : 0.0;
    }

    std::vector<Replay*> replays_;
    const std::vector<std::string>& params_;
    int32_t max_rounds_;
    int32_t evaluations_ = 0;
};

double median_of(std::vector<double> v) {
    if (v.empty()) return 0.0;
    std::sort(v.begin(), v.end());
    const size_t n = v.size();
    return n % 2 == 1 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

}  // namespace

const std::vector<std::string>& engine_fit_parameters() {
    static const std::vector<std::string> names = {
        "host.per_step_us",          "host.per_seq_us",      "host.per_token_us",  "host.multi_gpu_per_step_us",
        "host.multi_gpu_per_seq_us", "front_end.ingress_us", "front_end.egress_us"};
    return names;
}

EngineFitReport fit_engine(const policies::EnginePreset& base, const std::vector<ServingExperiment>& experiments,
                           const EngineFitOptions& options) {
    if (options.params.empty()) throw UsageError("--fit", "name at least one parameter");
    for (const auto& p : options.params) {
        const auto& valid = engine_fit_parameters();
        if (std::find(valid.begin(), valid.end(), p) == valid.end()) {
            throw UsageError("--fit", unknown_name_message("engine parameter", p, valid));
        }
    }
    if (options.max_rounds < 1 || options.max_rounds > 100) {
        throw UsageError("--max-rounds", "expected 1..100, got " + std::to_string(options.max_rounds));
    }
    std::vector<Replay> replays;
    replays.reserve(experiments.size());
    for (const auto& e : experiments) {
        Replay r{&e, {}, {}};
        Json settings = {{"model", e.model},
                         {"hardware", options.hardware},
                         {"tp", e.tp},
                         {"max-batch", e.max_num_seqs},
                         {"max-batch-tokens", e.max_num_batched_tokens},
                         {"chunk-size", e.max_num_batched_tokens},
                         {"max-model-len", e.max_model_len},
                         {"seed", static_cast<int64_t>(options.seed)}};
        r.cfg.resolve_from_json(settings, e.where);
        r.workload = traces::workload_from_config(
            traces::inference_perf::parse_inference_perf_config(e.workload_yaml, e.where), options.seed);
        replays.push_back(std::move(r));
    }

    EngineFitReport report;
    // Folds: by model when there are several (the stronger test), else one experiment at a time.
    std::set<std::string> model_names;
    for (const auto& r : replays) {
        if (has_target(r)) model_names.insert(r.experiment->model);
    }
    std::vector<std::vector<Replay*>> folds;
    if (model_names.size() > 1) {
        report.holdout_scheme = "by model: each model's runs predicted by a fit on the other models' runs";
        for (const auto& m : model_names) {
            folds.emplace_back();
            for (auto& r : replays) {
                if (has_target(r) && r.experiment->model == m) folds.back().push_back(&r);
            }
        }
    } else {
        report.holdout_scheme = "leave one experiment out";
        for (auto& r : replays) {
            if (has_target(r)) folds.push_back({&r});
        }
    }
    if (folds.size() > 1) {
        for (const auto& fold : folds) {
            std::vector<Replay*> train;
            for (auto& r : replays) {
                if (has_target(r) && std::find(fold.begin(), fold.end(), &r) == fold.end()) train.push_back(&r);
            }
            Fitter f(train, options.params, options.max_rounds);
            const policies::EnginePreset e = f.fit(base);
            report.evaluations += f.evaluations();
            for (Replay* r : fold) {
                for (auto& row : rows_of(*r, e, true))
                    report.held_out.push_back(std::move(row));
            }
        }
    } else {
        report.holdout_scheme = "none (a single experiment with targets)";
    }

    std::vector<Replay*> all;
    for (auto& r : replays) {
        if (has_target(r)) all.push_back(&r);
    }
    if (all.empty()) throw InputError(experiments.front().where, "no unsaturated scope to fit to");
    Fitter f(all, options.params, options.max_rounds);
    report.fitted = f.fit(base);
    report.evaluations += f.evaluations();
    for (const auto& p : options.params)
        report.values_us.emplace_back(p, parameter_ns(report.fitted, p) * 1e-3);
    for (auto& r : replays) {
        for (auto& row : rows_of(r, report.fitted, false))
            report.in_sample.push_back(std::move(row));
    }
    return report;
}

std::string engine_fit_report_markdown(const EngineFitReport& report, const std::string& log_path) {
    std::string md = fmt::format("# Engine calibration: {} from {}\n\n", report.fitted.id, log_path);
    md += fmt::format("{} simulator evaluations. Fitted parameters (microseconds):\n\n", report.evaluations);
    for (const auto& [name, us] : report.values_us)
        md += fmt::format("- `{}` = {:.1f}\n", name, us);
    auto table = [&md](const std::string& title, const std::vector<ServingFitRow>& rows) {
        md += fmt::format(
            "\n## {}\n\n| scope | TTFT measured ms | simulated | error | E2E measured ms | simulated | "
            "error |\n|---|---:|---:|---:|---:|---:|---:|\n",
            title);
        for (const auto& r : rows) {
            md += fmt::format("| {}{} | {:.1f} | {:.1f} | {:+.1f}% | {:.0f} | {:.0f} | {:+.1f}% |\n", r.label,
                              r.saturated ? " (saturated: not fitted)" : "", r.ttft_measured_ms, r.ttft_simulated_ms,
                              100 * (r.ttft_simulated_ms / r.ttft_measured_ms - 1), r.e2e_measured_ms,
                              r.e2e_simulated_ms, 100 * (r.e2e_simulated_ms / r.e2e_measured_ms - 1));
        }
        md += fmt::format("\nmedian |error| over unsaturated scopes: TTFT {:.1f}%, E2E {:.1f}%\n",
                          100 * median_ttft_error(rows), 100 * median_e2e_error(rows));
    };
    table("In sample", report.in_sample);
    if (!report.held_out.empty()) {
        table("Held out (" + report.holdout_scheme + ")", report.held_out);
    } else {
        md += "\nHeld out: " + report.holdout_scheme + "\n";
    }
    return md;
}

double median_ttft_error(const std::vector<ServingFitRow>& rows) {
    std::vector<double> v;
    for (const auto& r : rows) {
        if (!r.saturated) v.push_back(std::abs(r.ttft_simulated_ms / r.ttft_measured_ms - 1));
    }
    return median_of(v);
}

double median_e2e_error(const std::vector<ServingFitRow>& rows) {
    std::vector<double> v;
    for (const auto& r : rows) {
        if (!r.saturated) v.push_back(std::abs(r.e2e_simulated_ms / r.e2e_measured_ms - 1));
    }
    return median_of(v);
}

}  // namespace llmsim::tools
