#include "tools/plan/plan_search.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <iostream>
#include <limits>
#include <map>
#include <mutex>
#include <set>
#include <tuple>

#include "common/error.hpp"
#include "tools/plan/pareto.hpp"
#include "tools/sweep/parallel_for.hpp"
#include "tools/sweep/progress.hpp"

namespace llmsim::tools {

double round_qps(double q) {
    return std::stod(fmt::format("{:.4g}", q));
}

namespace {

constexpr int64_t kPointsPerCandidate = 64;  // sweep_runs.point = candidate x 64 + probe; full runs after them
constexpr int kMaxFullRuns = 8;              // confirmation budget (each is R replicas x the requests)

Probe probe(const Candidate& c, double qps, const PlanOptions& o, RunCache& cache, int64_t n) {
    Probe p;
    p.qps = qps;
    p.run = cache.evaluate(with_qps(c.settings, qps), c.index * kPointsPerCandidate + n);
    if (p.run.status != "ok") {
        p.violation = "run failed: " + p.run.error;
    } else if (!std::isinf(qps)) {
        p.violation = slo_violation(p.run.summary, o.slo);
    }
    return p;
}

}  // namespace

CandidateResult search_candidate(const Candidate& c, const PlanOptions& o, RunCache& cache) {
    CandidateResult r;
    r.probes.push_back(probe(c, std::numeric_limits<double>::infinity(), o, cache, 0));
    if (r.probes[0].run.status != "ok") {
        r.status = "error";
        r.reason = *r.probes[0].violation;
        return r;
    }
    r.capacity_rps = r.probes[0].run.summary.at("throughput_rps").get<double>();
    LLMSIM_ASSERT(r.capacity_rps > 0, "an offline run completed nothing: " + c.label);
    const auto add = [&](double qps) -> const Probe& {
        r.probes.push_back(probe(c, qps, o, cache, static_cast<int64_t>(r.probes.size())));
        return r.probes.back();
    };
    double hi = round_qps(r.capacity_rps);
    if (!add(hi).violation) {
        r.max_qps = hi;
        r.best_probe = 1;
    } else {
        r.failed_above = 1;
        const double lo0 = round_qps(r.capacity_rps * o.qps_tolerance);
        const Probe& low = add(lo0);
        if (low.violation) {
            r.status = "infeasible";
            r.reason = fmt::format("{} at {} req/s (the lowest rate probed)", *low.violation, lo0);
            return r;
        }
        double lo = lo0;
        r.best_probe = 2;
        while (hi - lo > o.qps_tolerance * r.capacity_rps) {
            const double mid = round_qps((lo + hi) / 2);
            if (mid <= lo || mid >= hi) break;
            const int64_t at = static_cast<int64_t>(r.probes.size());
            LLMSIM_ASSERT(at < kPointsPerCandidate, "bisection ran too long");
            if (add(mid).violation) {
                hi = mid;
                r.failed_above = at;
            } else {
                lo = mid;
                r.best_probe = at;
            }
        }
        r.max_qps = lo;
    }
    r.status = "ok";
    const OrderedJson& at_best = r.probes[static_cast<size_t>(r.best_probe)].run.summary;
    r.power_w = run_power_w(at_best);
    r.joules_per_output_token = run_joules_per_output_token(at_best);
    return r;
}

namespace {

// Unknown figures (no price, no power model) rank last.
double infinite_if_unknown(const std::optional<double>& v) {
    return v.value_or(std::numeric_limits<double>::infinity());
}

// Ranking key of a deployment meeting the target (smaller is better): price and GPUs (or device power and price) in
// the objective's order, then the most estimated headroom, then the candidate's place in the space.
using DeploymentKey = std::tuple<double, double, double, size_t>;
DeploymentKey deployment_key(const Deployment& d, PlanObjective objective) {
    const double usd = infinite_if_unknown(d.total_usd_per_hour);
    const auto gpus = static_cast<double>(d.gpus);
    if (objective == PlanObjective::min_gpus) return {gpus, usd, -d.estimated_goodput_rps, d.candidate};
    if (objective == PlanObjective::min_energy) {
        return {infinite_if_unknown(d.power_w), usd, -d.estimated_goodput_rps, d.candidate};
    }
    return {usd, gpus, -d.estimated_goodput_rps, d.candidate};
}

// Strictly cheaper by the objective (its first two keys: price and GPUs, or power and price).
bool cheaper(const Deployment& a, const Deployment& b, PlanObjective objective) {
    const auto ka = deployment_key(a, objective);
    const auto kb = deployment_key(b, objective);
    return std::tie(std::get<0>(ka), std::get<1>(ka)) < std::tie(std::get<0>(kb), std::get<1>(kb));
}

// R replicas cost R x one replica; each is charged the power of its max-goodput rate, an upper estimate when R
// replicas share a lower target rate.
Deployment deployment_of(const Candidate& c, const CandidateResult& r, size_t index, int64_t replicas,
                         const PlanOptions& o) {
    Deployment d;
    d.candidate = index;
    d.replicas = replicas;
    d.estimated_goodput_rps = static_cast<double>(replicas) * r.max_qps;
    d.gpus = c.gpus * replicas;
    const auto n = static_cast<double>(replicas);
    if (c.usd_per_hour) d.usd_per_hour = *c.usd_per_hour * n;
    if (r.power_w) d.power_w = *r.power_w * n;
    if (const auto e = replica_energy_usd_per_hour(r, o)) d.energy_usd_per_hour = *e * n;
    if (const auto t = replica_total_usd_per_hour(c, r, o)) d.total_usd_per_hour = *t * n;
    return d;
}

FullRun full_run(const PlanSpace& space, const Deployment& d, const PlanOptions& o, RunCache& cache, int64_t n) {
    const Candidate& c = space.candidates[d.candidate];
    OrderedJson s = with_qps(c.settings, *o.target_qps);
    s["replicas"] = d.replicas;
    if (o.requests_per_replica > 0) s["num-requests"] = o.requests_per_replica * d.replicas;
    FullRun f;
    f.deployment = d;
    f.config = s;
    f.run = cache.evaluate(s, static_cast<int64_t>(space.candidates.size()) * kPointsPerCandidate + n);
    f.violation = f.run.status == "ok" ? slo_violation(f.run.summary, o.slo) : "run failed: " + f.run.error;
    return f;
}

std::string describe(const PlanSpace& space, const Deployment& d) {
    return fmt::format("{} x {}", d.replicas, space.candidates[d.candidate].label);
}

// Target mode: the cheapest deployment whose full run meets the SLO at the target rate.
void choose_for_target(const PlanSpace& space, const PlanOptions& o, RunCache& cache, PlanResult& out) {
    const double target = *o.target_qps;
    const int64_t max_replicas = o.replicas.back();
    std::map<DeploymentKey, Deployment> queue;  // options still to try, best first
    const auto push_from = [&](size_t i, int64_t min_replicas, double need_rps) {
        const auto& r = out.results[i];
        for (int64_t n : o.replicas) {
            if (n < min_replicas) continue;
            if (static_cast<double>(n) * r.max_qps >= need_rps) {
                const Deployment d = deployment_of(space.candidates[i], r, i, n, o);
                queue.emplace(deployment_key(d, o.objective), d);
                return;
            }
        }
    };
    for (size_t i : out.ranking)
        push_from(i, 0, target);
    if (queue.empty()) {
        double best = 0;
        std::string label;
        for (size_t i : out.ranking) {
            if (out.results[i].max_qps > best) {
                best = out.results[i].max_qps;
                label = space.candidates[i].label;
            }
        }
        throw UsageError("--target-qps",
                         fmt::format("no deployment reaches {} req/s within --replicas (at most {}): the best replica "
                                     "sustains {} req/s under the SLO ({}), {} x {} = {:.4g} req/s",
                                     target, max_replicas, best, label, max_replicas, best,
                                     static_cast<double>(max_replicas) * best));
    }
    int n = 0;
    while (!queue.empty() && n < kMaxFullRuns) {
        const Deployment d = queue.begin()->second;
        queue.erase(queue.begin());
        FullRun f = full_run(space, d, o, cache, n++);
        out.confirmations.push_back(f);
        if (f.violation) {
            // The one-replica estimate was optimistic for this option: its next replica count competes again.
            push_from(d.candidate, d.replicas + 1, 0);
            continue;
        }
        out.best = f;
        break;
    }
    if (!out.best) {
        const FullRun& last = out.confirmations.back();
        throw UsageError(
            slo_flag_of(*last.violation),
            fmt::format("no deployment met the SLO at {} req/s in a full run ({} tried; the last, {}: {})", target,
                        out.confirmations.size(), describe(space, last.deployment), *last.violation));
    }
    // Walk the replica count down while the full run still meets the SLO (the estimate is conservative: a
    // round-robin split is smoother than the Poisson stream one replica was searched with).
    while (true) {
        const auto it = std::find(o.replicas.begin(), o.replicas.end(), out.best->deployment.replicas);
        if (it == o.replicas.begin()) {
            out.neighbour_note =
                fmt::format("{} replica{} is the fewest --replicas allows", out.best->deployment.replicas,
                            out.best->deployment.replicas == 1 ? "" : "s");
            break;
        }
        if (n >= kMaxFullRuns) {
            out.neighbour_note = fmt::format("not run: the budget of {} full runs is spent", kMaxFullRuns);
            break;
        }
        const Candidate& c = space.candidates[out.best->deployment.candidate];
        const Deployment fewer =
            deployment_of(c, out.results[out.best->deployment.candidate], out.best->deployment.candidate, *(it - 1), o);
        FullRun f = full_run(space, fewer, o, cache, n++);
        out.confirmations.push_back(f);
        if (f.violation) {
            out.cheaper_neighbour = f;
            break;
        }
        out.best = f;
    }
    // The dearest option strictly cheaper than the answer (by price and GPUs), and why it was not taken; of equal
    // options the one with the most estimated goodput.
    for (size_t i : out.ranking) {
        const Candidate& c = space.candidates[i];
        const auto& r = out.results[i];
        for (int64_t replicas : o.replicas) {
            const Deployment d = deployment_of(c, r, i, replicas, o);
            if (!cheaper(d, out.best->deployment, o.objective)) continue;
            if (out.next_cheaper &&
                (cheaper(d, *out.next_cheaper, o.objective) ||
                 (!cheaper(*out.next_cheaper, d, o.objective) &&
                  deployment_key(*out.next_cheaper, o.objective) < deployment_key(d, o.objective)))) {
                continue;
            }
            out.next_cheaper = d;
        }
    }
    if (out.next_cheaper) {
        const Deployment& d = *out.next_cheaper;
        out.next_cheaper_reason = fmt::format("estimated {} x {} = {:.4g} req/s < {} req/s", d.replicas,
                                              out.results[d.candidate].max_qps, d.estimated_goodput_rps, target);
        for (const auto& f : out.confirmations) {
            if (f.deployment.candidate == d.candidate && f.deployment.replicas == d.replicas && f.violation) {
                out.next_cheaper_reason = "full run: " + *f.violation;
            }
        }
    }
}

}  // namespace

double goodput_per_gpu(const Candidate& c, const CandidateResult& r) {
    return r.max_qps / static_cast<double>(c.gpus);
}

std::optional<double> replica_energy_usd_per_hour(const CandidateResult& r, const PlanOptions& o) {
    if (!o.energy.counted() || !r.power_w) return std::nullopt;
    return energy_usd_per_hour(*r.power_w, o.energy);
}

std::optional<double> replica_total_usd_per_hour(const Candidate& c, const CandidateResult& r, const PlanOptions& o) {
    if (!o.energy.counted()) return c.usd_per_hour;
    const auto energy = replica_energy_usd_per_hour(r, o);
    if (!c.usd_per_hour || !energy) return std::nullopt;
    return *c.usd_per_hour + *energy;
}

std::optional<double> goodput_per_usd_hour(const Candidate& c, const CandidateResult& r, const PlanOptions& o) {
    const auto usd = replica_total_usd_per_hour(c, r, o);
    if (!usd) return std::nullopt;
    return r.max_qps / *usd;
}

std::vector<size_t> rank_candidates(const PlanSpace& space, const std::vector<CandidateResult>& results,
                                    const PlanOptions& o) {
    LLMSIM_ASSERT(results.size() == space.candidates.size(), "one result per candidate");
    std::vector<size_t> ranking;
    for (size_t i = 0; i < results.size(); ++i) {
        if (results[i].max_qps > 0) ranking.push_back(i);
    }
    const auto score = [&](size_t i) -> std::tuple<double, double, size_t> {
        const Candidate& c = space.candidates[i];
        const auto& r = results[i];
        switch (o.objective) {
            case PlanObjective::min_cost:
                return {-goodput_per_usd_hour(c, r, o).value_or(-1), -goodput_per_gpu(c, r), i};
            case PlanObjective::min_gpus:
                return {-goodput_per_gpu(c, r), infinite_if_unknown(replica_total_usd_per_hour(c, r, o)), i};
            case PlanObjective::min_energy:
                return {infinite_if_unknown(r.joules_per_output_token), -goodput_per_gpu(c, r), i};
            case PlanObjective::max_goodput:
                break;
        }
        return {-r.max_qps, static_cast<double>(c.gpus), i};
    };
    std::sort(ranking.begin(), ranking.end(), [&](size_t a, size_t b) { return score(a) < score(b); });
    return ranking;
}

PlanResult run_plan(const PlanSpace& space, const PlanOptions& o, RunCache& cache) {
    LLMSIM_ASSERT(o.qps_tolerance > 0 && o.qps_tolerance < 1, "tolerance must be in (0, 1)");
    LLMSIM_ASSERT(!o.replicas.empty(), "replica list must not be empty");
    PlanResult out;
    const size_t n = space.candidates.size();
    out.results.resize(n);
    Progress progress("llmsim plan", static_cast<int64_t>(n), o.quiet, std::cerr, stderr_is_terminal());
    std::mutex progress_mutex;
    parallel_for(static_cast<int64_t>(n), o.threads, [&](int64_t i) {
        out.results[static_cast<size_t>(i)] = search_candidate(space.candidates[static_cast<size_t>(i)], o, cache);
        std::lock_guard<std::mutex> lock(progress_mutex);
        progress.advance(1);
    });
    progress.finish();

    out.ranking = rank_candidates(space, out.results, o);
    if (out.ranking.empty()) {
        // Name the constraint that failed most often at the lowest load, with the closest miss.
        std::map<std::string, int64_t> by_flag;
        std::string example;
        for (const auto& r : out.results) {
            ++by_flag[r.status == "error" ? "run" : slo_flag_of(r.reason)];
            if (example.empty() && r.status == "infeasible") example = r.reason;
        }
        const auto worst = std::max_element(by_flag.begin(), by_flag.end(),
                                            [](const auto& a, const auto& b) { return a.second < b.second; });
        throw UsageError(worst->first == "run" ? "--model" : worst->first,
                         fmt::format("no deployment meets the SLO at any rate: {} of {} candidates fail it{}",
                                     worst->second, n, example.empty() ? "" : " (e.g. " + example + ")"));
    }

    if (o.target_qps) {
        choose_for_target(space, o, cache, out);
    } else {
        // The best replica at its highest rate meeting the SLO: that probe was the full run of this deployment.
        const size_t i = out.ranking.front();
        const auto& r = out.results[i];
        FullRun f;
        f.deployment = deployment_of(space.candidates[i], r, i, 1, o);
        f.run = r.probes[static_cast<size_t>(r.best_probe)].run;
        f.config = with_qps(space.candidates[i].settings, r.max_qps);
        out.best = f;
        if (r.failed_above >= 0) {
            const Probe& p = r.probes[static_cast<size_t>(r.failed_above)];
            out.neighbour_note = fmt::format("at {} req/s (the next rate probed): {}", p.qps, *p.violation);
        } else {
            out.neighbour_note = "the replica meets the SLO at its full capacity (the offline rate)";
        }
    }

    // Pareto front over every probe that met the SLO.
    std::vector<ParetoEntry> entries;
    std::vector<ParetoPoint> points;
    const std::string lat_key = o.pareto_latency + "_ms";
    for (size_t i = 0; i < n; ++i) {
        const Candidate& c = space.candidates[i];
        const auto& r = out.results[i];
        for (size_t j = 1; j < r.probes.size(); ++j) {
            const Probe& p = r.probes[j];
            if (p.violation) continue;
            const double tok_s = p.run.summary.at("output_tokens_per_s").get<double>();
            double throughput = tok_s / static_cast<double>(c.gpus);
            if (o.pareto_throughput == ParetoThroughput::per_usd) {
                // Each probe pays the energy of its own rate.
                std::optional<double> usd = c.usd_per_hour;
                if (o.energy.counted()) {
                    const auto power_w = run_power_w(p.run.summary);
                    usd = usd && power_w ? std::optional(*usd + energy_usd_per_hour(*power_w, o.energy)) : std::nullopt;
                }
                if (!usd) continue;
                throughput = tok_s * 3600.0 / *usd;
            }
            const double latency = p.run.summary.at(lat_key).at(o.slo.percentile_key()).get<double>();
            entries.push_back({i, j, throughput, latency});
            points.push_back({throughput, latency});
        }
    }
    for (size_t k : pareto_front(points))
        out.pareto.push_back(entries[k]);
    return out;
}

}  // namespace llmsim::tools
