#include "tools/plan/plan_report.hpp"

#include <fmt/format.h>

#include <cmath>

#include "common/strings.hpp"

namespace llmsim::tools {
namespace {

OrderedJson opt(const std::optional<double>& v) {
    return v ? OrderedJson(*v) : OrderedJson();
}

double r6(double v) {
    return std::round(v * 1e6) / 1e6;
}

std::string slo_text(const PlanSlo& s) {
    std::string out;
    if (s.ttft_ms) out += fmt::format("{} TTFT <= {} ms, ", s.percentile_key(), *s.ttft_ms);
    if (s.tpot_ms) out += fmt::format("{} TPOT <= {} ms, ", s.percentile_key(), *s.tpot_ms);
    return out + fmt::format("attainment >= {}%", s.attainment * 100);
}

std::string replica_model(const PlanContext& ctx) {
    std::string s =
        "replicas: one replica simulated at QPS/replicas (round-robin over identical replicas; a Poisson stream per "
        "replica is burstier than a round-robin split, so the estimate is conservative); the chosen deployment is "
        "confirmed by a full run of all its replicas";
    if (ctx.router != "round-robin") s += fmt::format(" (the full run uses --router {})", ctx.router);
    return s;
}

std::string energy_model_text(const PlanOptions& o) {
    std::string s =
        "device power of one replica at its max-goodput rate (the power model's average over that run) x replicas "
        "(an upper estimate when replicas share a lower target rate)";
    if (o.energy.counted()) {
        s += fmt::format(" x PUE {} x ${}/kWh, added to the instance price; ranking uses the total", o.energy.pue,
                         o.energy.usd_per_kwh);
    } else {
        s += "; energy not priced (--energy-price 0)";
    }
    return s;
}

std::string bracket_text(const PlanOptions& o) {
    return fmt::format(
        "bisection on QPS per replica in [{0} x capacity, capacity] (capacity: throughput of an offline run, qps inf) "
        "until the bracket is narrower than {0} x capacity; rates rounded to 4 significant digits; deterministic per "
        "--seed",
        o.qps_tolerance);
}

// The figure at the SLO percentile of the candidate's best probe (null when none met the SLO).
OrderedJson at_best(const CandidateResult& r, const char* metric, const PlanSlo& slo) {
    if (r.best_probe < 0) return nullptr;
    return r.probes[static_cast<size_t>(r.best_probe)].run.summary.at(metric).at(slo.percentile_key());
}

// Replicas for the target rate by the one-replica estimate (0: none in the list suffices).
int64_t replicas_for(const CandidateResult& r, const PlanOptions& o) {
    if (!o.target_qps || r.max_qps <= 0) return 0;
    for (int64_t n : o.replicas) {
        if (static_cast<double>(n) * r.max_qps >= *o.target_qps) return n;
    }
    return 0;
}

OrderedJson candidate_json(const PlanSpace& space, const PlanOptions& o, const PlanResult& res, size_t i,
                           int64_t rank) {
    const Candidate& c = space.candidates[i];
    const CandidateResult& r = res.results[i];
    OrderedJson j;
    j["rank"] = rank > 0 ? OrderedJson(rank) : OrderedJson();
    j["label"] = c.label;
    j["hardware"] = c.hardware;
    j["engine"] = c.engine;
    j["scheduler"] = c.scheduler;
    j["tp"] = c.tp;
    j["pp"] = c.pp;
    j["max_batch"] = c.max_batch;
    j["chunk_size"] = c.chunk_size;
    j["gpus_per_replica"] = c.gpus;
    j["usd_per_hour_per_replica"] = opt(c.usd_per_hour);
    j["status"] = r.status;
    j["reason"] = r.reason.empty() ? OrderedJson() : OrderedJson(r.reason);
    j["capacity_rps"] = r6(r.capacity_rps);
    j["max_qps_per_replica"] = r.max_qps;
    j["goodput_rps_per_gpu"] = r6(goodput_per_gpu(c, r));
    const auto per_usd = goodput_per_usd_hour(c, r, o);
    j["goodput_rps_per_usd_hour"] = per_usd ? OrderedJson(r6(*per_usd)) : OrderedJson();
    if (o.shows_energy()) {
        j["average_power_w_per_replica"] = r.power_w ? OrderedJson(r6(*r.power_w)) : OrderedJson();
        j["energy_j_per_output_token"] =
            r.joules_per_output_token ? OrderedJson(r6(*r.joules_per_output_token)) : OrderedJson();
    }
    if (o.energy.counted()) {
        const auto energy = replica_energy_usd_per_hour(r, o);
        const auto total = replica_total_usd_per_hour(c, r, o);
        j["energy_usd_per_hour_per_replica"] = energy ? OrderedJson(r6(*energy)) : OrderedJson();
        j["total_usd_per_hour_per_replica"] = total ? OrderedJson(r6(*total)) : OrderedJson();
    }
    const std::string p = o.slo.percentile_key();
    j["ttft_ms_" + p] = at_best(r, "ttft_ms", o.slo);
    j["tpot_ms_" + p] = at_best(r, "tpot_ms", o.slo);
    j["e2e_ms_" + p] = at_best(r, "e2e_ms", o.slo);
    if (o.target_qps) {
        const int64_t n = replicas_for(r, o);
        j["replicas_for_target"] = n > 0 ? OrderedJson(n) : OrderedJson();
        j["gpus_for_target"] = n > 0 ? OrderedJson(n * c.gpus) : OrderedJson();
        j["usd_per_hour_for_target"] =
            n > 0 && c.usd_per_hour ? OrderedJson(r6(*c.usd_per_hour * static_cast<double>(n))) : OrderedJson();
        if (o.energy.counted()) {
            const auto energy = replica_energy_usd_per_hour(r, o);
            const auto total = replica_total_usd_per_hour(c, r, o);
            j["energy_usd_per_hour_for_target"] =
                n > 0 && energy ? OrderedJson(r6(*energy * static_cast<double>(n))) : OrderedJson();
            j["total_usd_per_hour_for_target"] =
                n > 0 && total ? OrderedJson(r6(*total * static_cast<double>(n))) : OrderedJson();
        }
    }
    OrderedJson probes = OrderedJson::array();
    for (const auto& pr : r.probes) {
        OrderedJson q;
        q["qps"] = std::isinf(pr.qps) ? OrderedJson("inf") : OrderedJson(pr.qps);
        q["run_key"] = pr.run.run_key;
        q["meets_slo"] = std::isinf(pr.qps) ? OrderedJson() : OrderedJson(!pr.violation);
        q["violation"] = pr.violation ? OrderedJson(*pr.violation) : OrderedJson();
        probes.push_back(q);
    }
    j["probes"] = probes;
    return j;
}

// The deployment's power and energy cost, when the plan shows them (cost_usd_per_hour stays the instance price).
void add_energy(OrderedJson& j, const Deployment& d, const PlanOptions& o) {
    if (o.shows_energy()) j["average_power_w"] = d.power_w ? OrderedJson(r6(*d.power_w)) : OrderedJson();
    if (o.energy.counted()) {
        j["energy_usd_per_hour"] = d.energy_usd_per_hour ? OrderedJson(r6(*d.energy_usd_per_hour)) : OrderedJson();
        j["total_usd_per_hour"] = d.total_usd_per_hour ? OrderedJson(r6(*d.total_usd_per_hour)) : OrderedJson();
    }
}

OrderedJson full_run_json(const PlanSpace& space, const PlanOptions& o, const FullRun& f) {
    OrderedJson j;
    j["label"] = fmt::format("{} x {}", f.deployment.replicas, space.candidates[f.deployment.candidate].label);
    j["config"] = f.config;
    j["replicas"] = f.deployment.replicas;
    j["gpus"] = f.deployment.gpus;
    j["cost_usd_per_hour"] = f.deployment.usd_per_hour ? OrderedJson(r6(*f.deployment.usd_per_hour)) : OrderedJson();
    add_energy(j, f.deployment, o);
    j["estimated_goodput_rps"] = r6(f.deployment.estimated_goodput_rps);
    j["goodput_rps"] = f.run.summary.is_null() ? OrderedJson() : f.run.summary.at("goodput_rps");
    j["meets_slo"] = !f.violation;
    j["violation"] = f.violation ? OrderedJson(*f.violation) : OrderedJson();
    j["run_key"] = f.run.run_key;
    j["summary"] = f.run.summary;
    return j;
}

OrderedJson energy_json(const PlanOptions& o) {
    OrderedJson e;
    e["usd_per_kwh"] = o.energy.usd_per_kwh;
    e["pue"] = o.energy.pue;
    e["model"] = energy_model_text(o);
    return e;
}

std::string cost_text(const Deployment& d, const PlanOptions& o) {
    std::string s = d.usd_per_hour ? fmt::format("${:.2f}/h", *d.usd_per_hour) : "unpriced";
    if (o.shows_energy()) s += d.power_w ? fmt::format(", {:.0f} W", *d.power_w) : ", no power model";
    if (o.energy.counted() && d.total_usd_per_hour) {
        s = fmt::format("${:.2f}/h total (${:.2f} instance + ${:.2f} energy), {:.0f} W", *d.total_usd_per_hour,
                        *d.usd_per_hour, *d.energy_usd_per_hour, *d.power_w);
    }
    return s;
}

std::string fmt_opt(const OrderedJson& v, const char* spec = "{:.1f}") {
    return v.is_number() ? fmt::format(fmt::runtime(spec), v.get<double>()) : "-";
}

}  // namespace

OrderedJson plan_json(const PlanSpace& space, const PlanOptions& o, const PlanResult& r, const PlanContext& ctx) {
    OrderedJson j;
    j["model"] = ctx.model;
    OrderedJson slo;
    slo["ttft_ms"] = opt(o.slo.ttft_ms);
    slo["tpot_ms"] = opt(o.slo.tpot_ms);
    slo["percentile"] = o.slo.percentile;
    slo["attainment"] = o.slo.attainment;
    j["slo"] = slo;
    j["target_qps"] = opt(o.target_qps);
    if (o.shows_energy()) j["energy"] = energy_json(o);
    OrderedJson search;
    search["combinations"] = space.combinations;
    search["collapsed"] = space.collapsed;
    search["collapse_notes"] = space.collapse_notes;
    search["pruned"] = static_cast<int64_t>(space.pruned.size());
    search["pruned_by_reason"] = space.pruned_by_reason();
    search["candidates"] = static_cast<int64_t>(space.candidates.size());
    search["replica_counts"] = o.replicas;
    search["deployments"] = static_cast<int64_t>(space.candidates.size() * o.replicas.size());
    search["runs_simulated"] = ctx.simulated;
    search["runs_cached"] = ctx.cached;
    search["qps_tolerance"] = o.qps_tolerance;
    search["bracket"] = bracket_text(o);
    search["replica_model"] = replica_model(ctx);
    search["wall_s"] = r6(ctx.wall_s);
    j["search"] = search;
    j["best"] = r.best ? full_run_json(space, o, *r.best) : OrderedJson();
    j["cheaper_neighbour"] = r.cheaper_neighbour ? full_run_json(space, o, *r.cheaper_neighbour) : OrderedJson();
    j["neighbour_note"] = r.neighbour_note.empty() ? OrderedJson() : OrderedJson(r.neighbour_note);
    if (r.next_cheaper) {
        OrderedJson n;
        n["label"] =
            fmt::format("{} x {}", r.next_cheaper->replicas, space.candidates[r.next_cheaper->candidate].label);
        n["gpus"] = r.next_cheaper->gpus;
        n["cost_usd_per_hour"] = opt(r.next_cheaper->usd_per_hour);
        add_energy(n, *r.next_cheaper, o);
        n["reason"] = r.next_cheaper_reason;
        j["next_cheaper"] = n;
    } else {
        j["next_cheaper"] = nullptr;
    }
    OrderedJson confirmations = OrderedJson::array();
    for (const auto& f : r.confirmations)
        confirmations.push_back(full_run_json(space, o, f));
    j["full_runs"] = confirmations;
    OrderedJson cands = OrderedJson::array();
    std::vector<int64_t> rank(space.candidates.size(), 0);
    for (size_t k = 0; k < r.ranking.size(); ++k)
        rank[r.ranking[k]] = static_cast<int64_t>(k + 1);
    for (size_t i : r.ranking)
        cands.push_back(candidate_json(space, o, r, i, rank[i]));
    for (size_t i = 0; i < space.candidates.size(); ++i) {
        if (rank[i] == 0) cands.push_back(candidate_json(space, o, r, i, 0));
    }
    j["candidates"] = cands;
    OrderedJson pruned = OrderedJson::array();
    for (const auto& p : space.pruned)
        pruned.push_back({{"label", p.label}, {"reason", p.reason}, {"message", p.message}});
    j["pruned"] = pruned;
    OrderedJson pareto = OrderedJson::array();
    for (const auto& e : r.pareto) {
        OrderedJson p;
        p["label"] = space.candidates[e.candidate].label;
        p["qps_per_replica"] = r.results[e.candidate].probes[e.probe].qps;
        p[o.pareto_throughput == ParetoThroughput::per_gpu ? "output_tokens_per_s_per_gpu" : "output_tokens_per_usd"] =
            r6(e.throughput);
        p[o.pareto_latency + "_ms_" + o.slo.percentile_key()] = r6(e.latency_ms);
        p["run_key"] = r.results[e.candidate].probes[e.probe].run.run_key;
        pareto.push_back(p);
    }
    j["pareto"] = pareto;
    return j;
}

std::string plan_text(const PlanSpace& space, const PlanOptions& o, const PlanResult& r, const PlanContext& ctx) {
    std::string out = fmt::format("plan: {}, SLO {}{}\n", ctx.model, slo_text(o.slo),
                                  o.target_qps ? fmt::format(", target {} req/s", *o.target_qps) : "");
    out += fmt::format("space: {} combinations, {} collapsed", space.combinations, space.collapsed);
    if (!space.collapse_notes.empty()) out += " (" + join(space.collapse_notes, "; ") + ")";
    out += fmt::format(", {} pruned", space.pruned.size());
    std::vector<std::string> reasons;
    for (const auto& [why, count] : space.pruned_by_reason())
        reasons.push_back(fmt::format("{}: {}", why, count));
    if (!reasons.empty()) out += " (" + join(reasons, "; ") + ")";
    out += fmt::format(", {} replica configurations x {} replica counts\n", space.candidates.size(), o.replicas.size());
    out += fmt::format("search: {}; {} runs simulated, {} from the store, {:.1f} s\n", bracket_text(o), ctx.simulated,
                       ctx.cached, ctx.wall_s);
    out += replica_model(ctx) + "\n";
    if (o.shows_energy()) out += "energy: " + energy_model_text(o) + "\n";
    out += "\n";
    const std::string p = o.slo.percentile_key();
    out += fmt::format("{:>4}  {:<52} {:>4} {:>9} {:>9} {:>10} {:>9} {:>9}", "rank", "replica configuration", "gpus",
                       "qps/rep", "qps/gpu", "qps/($/h)", p + " ttft", p + " tpot");
    if (o.shows_energy()) out += fmt::format(" {:>8} {:>7}", "W/rep", "J/tok");
    if (o.energy.counted()) out += fmt::format(" {:>9}", "$/h/rep");
    if (o.target_qps) out += fmt::format(" {:>5} {:>8}", "reps", "$/h");
    out += "\n";
    size_t shown = 0;
    for (size_t k = 0; k < r.ranking.size() && shown < static_cast<size_t>(ctx.top); ++k, ++shown) {
        const size_t i = r.ranking[k];
        const Candidate& c = space.candidates[i];
        const CandidateResult& cr = r.results[i];
        const auto per_usd = goodput_per_usd_hour(c, cr, o);
        const auto usd = replica_total_usd_per_hour(c, cr, o);
        out += fmt::format("{:>4}  {:<52} {:>4} {:>9.3f} {:>9.3f} {:>10} {:>9} {:>9}", k + 1, c.label, c.gpus,
                           cr.max_qps, goodput_per_gpu(c, cr), per_usd ? fmt::format("{:.3f}", *per_usd) : "-",
                           fmt_opt(at_best(cr, "ttft_ms", o.slo)), fmt_opt(at_best(cr, "tpot_ms", o.slo)));
        if (o.shows_energy()) {
            out += fmt::format(" {:>8} {:>7}", cr.power_w ? fmt::format("{:.1f}", *cr.power_w) : "-",
                               cr.joules_per_output_token ? fmt::format("{:.3f}", *cr.joules_per_output_token) : "-");
        }
        if (o.energy.counted()) out += fmt::format(" {:>9}", usd ? fmt::format("{:.3f}", *usd) : "-");
        if (o.target_qps) {
            // With an electricity price the total (instance + energy) $/hour.
            const int64_t n = replicas_for(cr, o);
            out +=
                n > 0 ? fmt::format(" {:>5} {:>8}", n, usd ? fmt::format("{:.2f}", *usd * static_cast<double>(n)) : "-")
                      : fmt::format(" {:>5} {:>8}", ">max", "-");
        }
        out += "\n";
    }
    if (r.ranking.size() > shown)
        out += fmt::format("      ... {} more (--top, --json, --csv)\n", r.ranking.size() - shown);
    const size_t failing = space.candidates.size() - r.ranking.size();
    if (failing > 0) out += fmt::format("      {} configurations meet the SLO at no rate probed\n", failing);
    if (r.best) {
        const FullRun& b = *r.best;
        out += fmt::format("\nbest: {} x {}: {} GPUs, {}, full run at {} req/s: {}\n", b.deployment.replicas,
                           space.candidates[b.deployment.candidate].label, b.deployment.gpus,
                           cost_text(b.deployment, o), b.config.at("qps").dump(),
                           b.violation
                               ? *b.violation
                               : fmt::format("meets the SLO (attainment {:.1f}%, {} TTFT {:.1f} ms, {} TPOT {:.1f} ms)",
                                             b.run.summary.at("slo_attainment").get<double>() * 100, p,
                                             b.run.summary.at("ttft_ms").at(p).get<double>(), p,
                                             b.run.summary.at("tpot_ms").at(p).get<double>()));
    }
    if (r.cheaper_neighbour) {
        out += fmt::format("cheaper neighbour: {} x {}: full run: {}\n", r.cheaper_neighbour->deployment.replicas,
                           space.candidates[r.cheaper_neighbour->deployment.candidate].label,
                           r.cheaper_neighbour->violation.value_or("meets the SLO"));
    } else if (!r.neighbour_note.empty()) {
        out += "cheaper neighbour: " + r.neighbour_note + "\n";
    }
    if (r.next_cheaper) {
        out += fmt::format("next cheaper option: {} x {}: {}\n", r.next_cheaper->replicas,
                           space.candidates[r.next_cheaper->candidate].label, r.next_cheaper_reason);
    }
    out += fmt::format(
        "\nPareto front ({} vs {} {}):\n",
        o.pareto_throughput == ParetoThroughput::per_gpu ? "output tokens/s per GPU" : "output tokens per USD", p,
        o.pareto_latency);
    for (const auto& e : r.pareto) {
        out += fmt::format("  {:>12.1f}  {:>9.1f} ms  {} at {} req/s\n", e.throughput, e.latency_ms,
                           space.candidates[e.candidate].label, r.results[e.candidate].probes[e.probe].qps);
    }
    return out;
}

std::string plan_csv(const PlanSpace& space, const PlanOptions& o, const PlanResult& r) {
    PlanContext ctx;
    const OrderedJson j = plan_json(space, o, r, ctx);
    const OrderedJson& cands = j.at("candidates");
    std::vector<std::string> cols;
    for (const auto& [k, v] : cands.at(0).items()) {
        if (k != "probes") cols.push_back(k);
    }
    const auto cell = [](const OrderedJson& v) {
        if (v.is_null()) return std::string();
        std::string s = v.is_string() ? v.get<std::string>() : v.dump();
        if (s.find_first_of(",\"\n") != std::string::npos) {
            std::string q = "\"";
            for (char ch : s)
                q += ch == '"' ? std::string("\"\"") : std::string(1, ch);
            return q + "\"";
        }
        return s;
    };
    std::string out = join(cols, ",") + "\n";
    for (const auto& c : cands) {
        std::vector<std::string> row;
        for (const auto& k : cols)
            row.push_back(cell(c.at(k)));
        out += join(row, ",") + "\n";
    }
    return out;
}

}  // namespace llmsim::tools
