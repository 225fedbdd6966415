#include "tools/report/serving_report.hpp"

#include <fmt/format.h>

#include <cmath>
#include <optional>

#include "common/strings.hpp"
#include "common/units.hpp"
#include "tools/report/serving_energy.hpp"
#include "tools/weights_tier.hpp"

namespace llmsim::tools {
namespace {

OrderedJson dist_json(const sim::Distribution& d) {
    auto r = [](double v) { return std::round(v * 1e4) / 1e4; };
    OrderedJson j;
    j["mean"] = r(d.mean);
    j["p50"] = r(d.p50);
    j["p90"] = r(d.p90);
    j["p99"] = r(d.p99);
    j["max"] = r(d.max);
    return j;
}

double round6(double v) {
    return std::round(v * 1e6) / 1e6;
}

// Throughputs and latency distributions, in the contract's key order (the whole run and each load stage).
void add_rates_and_latencies(OrderedJson& j, const sim::ServingSummary& s) {
    j["throughput_rps"] = round6(s.throughput_rps);
    j["output_tokens_per_s"] = round6(s.output_tokens_per_s);
    j["input_tokens_per_s"] = round6(s.input_tokens_per_s);
    j["ttft_ms"] = dist_json(s.ttft_ms);
    j["tpot_ms"] = dist_json(s.tpot_ms);
    j["e2e_ms"] = dist_json(s.e2e_ms);
    j["queue_ms"] = dist_json(s.queue_ms);
}

struct Totals {
    int64_t iterations = 0, seqs = 0, tokens = 0, kv_peak = 0, kv_cap = 0;
    double busy = 0, active = 0;
    int32_t stages = 1;
};

Totals totals_of(const sim::ServingRun& run) {
    Totals t;
    for (const auto& r : run.replicas) {
        t.iterations += r.iterations;
        t.seqs += r.batched_seqs;
        t.tokens += r.batched_tokens;
        t.kv_peak = std::max(t.kv_peak, r.kv_peak_blocks);
        t.kv_cap = r.kv_capacity_blocks;
        t.busy += r.stage_busy_ns;
        t.active += r.active_ns;
        t.stages = r.stages;
    }
    return t;
}

// KV-cache statistics summed over every replica.
sim::KvCacheStats kv_stats_of(const sim::ServingRun& run) {
    sim::KvCacheStats k;
    for (const auto& r : run.replicas)
        k += r.kv;
    return k;
}

// Speculative decoding over every replica: drafts accepted, output tokens per verify, and drafting's share of the
// device time (drafting + forward passes).
OrderedJson spec_decode_json(const sim::ServingRun& run) {
    sim::SpecDecodeStats sd;
    double busy_ns = 0;
    for (const auto& r : run.replicas) {
        sd += r.spec;
        busy_ns += r.stage_busy_ns;
    }
    OrderedJson j;
    j["acceptance_rate"] =
        sd.proposed_tokens > 0 ? round6(static_cast<double>(sd.accepted_tokens) / sd.proposed_tokens) : 0.0;
    j["tokens_per_step"] = sd.verifies > 0 ? round6(static_cast<double>(sd.emitted_tokens) / sd.verifies) : 0.0;
    j["draft_time_share"] = sd.draft_ns + busy_ns > 0 ? round6(sd.draft_ns / (sd.draft_ns + busy_ns)) : 0.0;
    j["mean_depth"] = sd.verifies > 0 ? round6(static_cast<double>(sd.depth_sum) / sd.verifies) : 0.0;
    j["verify_steps"] = sd.verifies;
    j["accepted_tokens"] = sd.accepted_tokens;
    j["emitted_tokens"] = sd.emitted_tokens;
    return j;
}

// Prefix-cache hits over first admissions, by tier (tier 0 = device memory).
OrderedJson prefix_cache_json(const ServingSetup& setup, const sim::ServingRun& run) {
    const sim::KvCacheStats k = kv_stats_of(run);
    int64_t hits = 0;
    for (int64_t h : k.hit_tokens)
        hits += h;
    auto rate = [&](int64_t tokens) {
        return k.lookup_tokens > 0 ? round6(static_cast<double>(tokens) / static_cast<double>(k.lookup_tokens)) : 0.0;
    };
    OrderedJson j;
    j["hit_rate"] = rate(hits);
    j["hit_tokens"] = hits;
    j["prompt_tokens"] = k.lookup_tokens;
    OrderedJson tiers;
    tiers["hbm"] = OrderedJson{{"hit_tokens", k.hit_tokens[0]}, {"hit_rate", rate(k.hit_tokens[0])}};
    for (size_t t = 0; t < setup.cluster.kv_tiers.size(); ++t) {
        tiers[setup.cluster.kv_tiers[t].name] =
            OrderedJson{{"hit_tokens", k.hit_tokens[t + 1]}, {"hit_rate", rate(k.hit_tokens[t + 1])}};
    }
    j["per_tier"] = tiers;
    j["offloaded_blocks"] = k.offloaded_blocks;
    j["evicted_blocks"] = k.evicted_blocks;
    return j;
}

// KV moved between tiers and device memory (loads of cached blocks, swaps), per replica summed.
OrderedJson kv_transfer_json(const ServingSetup& setup, const sim::ServingRun& run) {
    const sim::KvCacheStats k = kv_stats_of(run);
    double critical_ns = 0;
    int64_t swaps = 0;
    for (const auto& r : run.replicas) {
        critical_ns += r.kv_transfer_ns;
        swaps += r.swap_preemptions;
    }
    OrderedJson j;
    j["total_ms"] = round6(k.transfer_ns * 1e-6);
    j["on_critical_path_ms"] = round6(critical_ns * 1e-6);
    j["load"] = setup.cluster.layerwise_kv_load ? "layerwise" : "serial";
    j["swap_preemptions"] = swaps;
    j["swapped_out_blocks"] = k.swapped_out_blocks;
    j["swapped_in_blocks"] = k.swapped_in_blocks;
    OrderedJson tiers = OrderedJson::array();
    for (const auto& t : setup.cluster.kv_tiers) {
        tiers.push_back(OrderedJson{{"name", t.name},
                                    {"capacity_blocks", t.capacity_blocks},
                                    {"bandwidth_gb_per_s", round6(t.bandwidth_bytes_per_s * 1e-9)}});
    }
    j["tiers"] = tiers;
    return j;
}

// One summary per load stage, by the stage that sent each request (inference-perf's per-stage reports).
OrderedJson stages_json(const ServingReport& rep) {
    OrderedJson out = OrderedJson::array();
    const auto& stages = rep.workload->stages;
    std::vector<std::vector<sim::RequestState>> by_stage(stages.size());
    for (const auto& r : rep.run->requests) {
        if (r.stage >= 0 && static_cast<size_t>(r.stage) < stages.size())
            by_stage[static_cast<size_t>(r.stage)].push_back(r);
    }
    for (size_t k = 0; k < stages.size(); ++k) {
        const sim::ServingSummary s = sim::summarize(by_stage[k], rep.setup->slo);
        OrderedJson j;
        j["stage"] = static_cast<int64_t>(k);
        j["rate"] = round6(stages[k].rate_rps);
        j["duration_s"] = round6(stages[k].duration_s);
        j["requests"] = s.requests;
        j["completed"] = s.completed;
        j["rejected"] = s.rejected;
        add_rates_and_latencies(j, s);
        j["slo_attainment"] = s.slo_attainment ? OrderedJson(round6(*s.slo_attainment)) : OrderedJson();
        out.push_back(j);
    }
    return out;
}

OrderedJson optional_json(const std::optional<double>& v) {
    return v ? OrderedJson(round6(*v)) : OrderedJson();
}

// What the deployment costs: every GPU is rented from t=0 until the last request finishes.
struct Cost {
    double gpu_hours = 0;
    std::optional<double> usd_per_hour;  // null without a price
    std::optional<double> usd_per_mtok;  // per million output tokens; null without a price or tokens
};

// The run's pools: one mixed pool, or the prefill and decode pools of a disaggregated run.
struct PoolView {
    const char* name;
    const ServingSetup* setup;
    int32_t index;  // in the run's pool order (ServingRun::replica_pool)
};

std::vector<PoolView> pools_of(const ServingReport& rep) {
    if (rep.disagg == nullptr) return {{"mixed", rep.setup, 0}};
    return {{"prefill", rep.setup, 0}, {"decode", &rep.disagg->decode, 1}};
}

double pool_gpus(const PoolView& p) {
    return static_cast<double>(p.setup->cost->deployment().gpus()) * p.setup->cluster.replicas;
}

Cost cost_of(const ServingReport& rep) {
    Cost c;
    double usd_per_hour = 0;
    double usd = 0;
    bool priced = true;
    for (const PoolView& p : pools_of(rep)) {
        const double gpus = pool_gpus(p);
        const double gpu_hours = gpus * rep.summary.sim_duration_s / 3600.0;
        c.gpu_hours += gpu_hours;
        const auto& price = p.setup->device.price_per_hour_usd;
        priced = priced && price.has_value();
        if (!price) continue;
        usd_per_hour += gpus * *price;
        usd += gpu_hours * *price;
    }
    if (priced) {
        c.usd_per_hour = usd_per_hour;
        int64_t output_tokens = 0;
        for (const auto& r : rep.run->requests) {
            if (r.phase() == sim::RequestPhase::finished) output_tokens += r.output_tokens;
        }
        if (output_tokens > 0) c.usd_per_mtok = usd / (static_cast<double>(output_tokens) * 1e-6);
    }
    return c;
}

// Disaggregated runs: each pool's deployment, busy share and price.
OrderedJson pools_json(const ServingReport& rep) {
    OrderedJson out = OrderedJson::array();
    for (const PoolView& p : pools_of(rep)) {
        const ServingSetup& s = *p.setup;
        const auto& d = s.cost->deployment();
        double active_ns = 0;
        int64_t kv_peak = 0;
        for (size_t i = 0; i < rep.run->replicas.size(); ++i) {
            if (rep.run->replica_pool[i] != p.index) continue;
            active_ns += rep.run->replicas[i].active_ns;
            kv_peak = std::max(kv_peak, rep.run->replicas[i].kv_peak_blocks);
        }
        const double span_ns = rep.summary.sim_duration_s * 1e9 * s.cluster.replicas;
        OrderedJson j;
        j["name"] = p.name;
        j["role"] = p.name;
        j["hardware"] = s.device.id;
        j["engine"] = s.engine.id;
        j["scheduler"] = s.cluster.scheduler;
        j["tp"] = d.parallel.tp;
        j["pp"] = d.parallel.pp;
        j["replicas"] = s.cluster.replicas;
        j["gpus"] = static_cast<int64_t>(pool_gpus(p));
        // Share of the run each replica had a batch in flight, averaged over the pool's replicas.
        j["utilization"] = span_ns > 0 ? round6(std::min(1.0, active_ns / span_ns)) : 0.0;
        j["kv_blocks_per_replica"] = s.kv.blocks;
        j["kv_peak_utilization"] = s.kv.blocks > 0 ? round6(static_cast<double>(kv_peak) / s.kv.blocks) : 0.0;
        j["price_per_gpu_hour_usd"] = optional_json(s.device.price_per_hour_usd);
        j["usd_per_hour"] = s.device.price_per_hour_usd
                                ? OrderedJson(round6(pool_gpus(p) * *s.device.price_per_hour_usd))
                                : OrderedJson();
        out.push_back(j);
    }
    return out;
}

// Disaggregated runs: how long KV took to reach the decode replicas (transfer start to landing, latency included).
sim::Distribution kv_transfer_ms_of(const sim::ServingRun& run) {
    std::vector<double> ms;
    for (const auto& r : run.requests) {
        if (r.kv_transfer_ns >= 0) ms.push_back(static_cast<double>(r.kv_transfer_ns) * 1e-6);
    }
    return sim::distribution_of(ms);
}

}  // namespace

namespace {

// What --kv-policy / --kv-dtype do to one token, at the longest request the run admits (a capped cache compresses
// more the longer the context), and how many such requests the KV capacity holds.
OrderedJson kv_policy_json(const tools::ServingSetup& setup) {
    const auto& p = *setup.kv_policy;
    const int64_t context = setup.cluster.limits.max_model_len;
    const auto e = policies::kv_policy_effect(p, setup.kv.kv_bytes_per_token_per_gpu,
                                              setup.cost->deployment().precision.kv_bytes(), context);
    OrderedJson j;
    j["name"] = p.name;
    j["bytes_per_token_effective"] = round6(e.bytes_per_token_effective);
    j["bytes_per_token_fp16"] = round6(e.bytes_per_token_fp16);
    j["compression_ratio"] = round6(e.compression_ratio);
    j["reference_context_tokens"] = context;
    const int64_t stored = p.retention.stored_tokens(context);
    j["requests_at_reference_context"] = stored > 0 ? setup.kv.tokens / stored : 0;
    if (p.retention.rebuild_rank > 0) {
        // An offloaded cache (ShadowKV): each decode step of one such request fetches the refreshed tokens' values
        // (half a dense token each, every layer of this GPU) over the host link; the layer's key rebuild overlaps it.
        const int64_t fetched = p.retention.refresh_tokens(context);
        const double bytes = static_cast<double>(fetched) * setup.kv.kv_bytes_per_token_per_gpu / 2;
        j["host_fetch_tokens_per_step"] = fetched;
        j["host_fetch_bytes_per_step"] = round6(bytes);
        j["host_fetch_ms_per_step"] = round6(bytes / setup.device.host.bandwidth_bytes_per_s * 1e3);
    }
    j["quality"] = "not modelled";
    return j;
}

}  // namespace

OrderedJson serving_summary_json(const ServingReport& rep) {
    const auto& s = rep.summary;
    const auto& setup = *rep.setup;
    const auto& d = setup.cost->deployment();
    const Totals t = totals_of(*rep.run);
    int64_t gpus = 0;
    for (const PoolView& p : pools_of(rep))
        gpus += static_cast<int64_t>(pool_gpus(p));
    OrderedJson j;
    j["requests"] = s.requests;
    j["completed"] = s.completed;
    j["rejected"] = s.rejected;
    j["sim_duration_s"] = round6(s.sim_duration_s);
    j["wall_s"] = round6(s.wall_s);
    add_rates_and_latencies(j, s);
    j["preemptions"] = s.preemptions;
    j["slo_attainment"] = s.slo_attainment ? OrderedJson(round6(*s.slo_attainment)) : OrderedJson();
    j["goodput_rps"] = s.goodput_rps ? OrderedJson(round6(*s.goodput_rps)) : OrderedJson();
    j["output_tokens_per_s_per_gpu"] = round6(s.output_tokens_per_s / static_cast<double>(gpus));
    const Cost cost = cost_of(rep);
    j["gpu_hours"] = round6(cost.gpu_hours);
    j["cost_usd_per_hour"] = optional_json(cost.usd_per_hour);
    j["cost_usd_per_mtok"] = optional_json(cost.usd_per_mtok);
    if (const auto energy = serving_energy(rep)) {
        j["energy_j"] = round6(energy->joules);
        j["average_power_w"] = round6(energy->average_power_w);
        j["energy_j_per_token"] = {{"output", optional_json(energy->j_per_output_token)},
                                   {"total", optional_json(energy->j_per_token)}};
    }
    if (const sim::FlashWeights* flash = setup.cost->flash_weights()) j["weights_tier"] = flash_weights_json(*flash);
    OrderedJson dep;
    dep["engine"] = setup.engine.id;
    dep["model"] = d.model.id;
    dep["hardware"] = setup.device.id;
    dep["dtype"] = std::string(dtype_name(d.precision.weights));
    dep["tp"] = d.parallel.tp;
    dep["pp"] = d.parallel.pp;
    dep["replicas"] = setup.cluster.replicas;
    if (rep.disagg != nullptr) {
        const ServingSetup& dec = rep.disagg->decode;
        dep["replicas"] = setup.cluster.replicas + dec.cluster.replicas;
        if (dec.device.id != setup.device.id) dep["hardware"] = setup.device.id + "+" + dec.device.id;
        dep["disaggregated"] = true;
    }
    dep["gpus"] = gpus;
    dep["scheduler"] = setup.cluster.scheduler;
    dep["router"] = setup.cluster.router;
    dep["framework_overhead"] = setup.cost->overhead().name;
    dep["kv_dtype"] = std::string(dtype_name(d.precision.kv_cache));
    dep["price_per_gpu_hour_usd"] = optional_json(setup.device.price_per_hour_usd);
    dep["provenance"] = std::string(hardware::provenance_name(setup.device.provenance()));
    j["deployment"] = dep;
    OrderedJson mem;
    constexpr double gib = 1024.0 * 1024 * 1024;
    mem["weights"] = round6(setup.kv.weight_bytes_per_gpu / gib);
    mem["activations"] = round6(setup.kv.activation_bytes_per_gpu / gib);
    mem["kv_cache"] = round6(setup.kv.kv_bytes_per_gpu / gib);
    j["memory_gib_per_gpu"] = mem;
    OrderedJson kv;
    kv["blocks_per_replica"] = setup.kv.blocks;
    kv["tokens_per_replica"] = setup.kv.tokens;
    kv["peak_utilization"] = t.kv_cap > 0 ? round6(static_cast<double>(t.kv_peak) / t.kv_cap) : 0.0;
    j["kv_cache"] = kv;
    if (setup.kv_policy) j["kv_policy"] = kv_policy_json(setup);
    OrderedJson b;
    b["iterations"] = t.iterations;
    b["mean_batch_seqs"] = t.iterations > 0 ? round6(static_cast<double>(t.seqs) / t.iterations) : 0.0;
    b["mean_batch_tokens"] = t.iterations > 0 ? round6(static_cast<double>(t.tokens) / t.iterations) : 0.0;
    j["batches"] = b;
    // Feature sections appear only when the feature is on, so runs without them keep their exact output.
    if (setup.cluster.prefix_caching) j["prefix_cache"] = prefix_cache_json(setup, *rep.run);
    if (!setup.cluster.kv_tiers.empty() || setup.cluster.swaps()) {
        j["kv_transfer"] = kv_transfer_json(setup, *rep.run);
    }
    if (!setup.cluster.spec_decode.empty()) {
        OrderedJson sd = spec_decode_json(*rep.run);
        sd["spec"] = setup.cluster.spec_decode;
        j["spec_decode"] = sd;
    }
    if (rep.disagg != nullptr) {
        j["pools"] = pools_json(rep);
        j["kv_transfer_ms"] = dist_json(kv_transfer_ms_of(*rep.run));
        OrderedJson link;
        link["mode"] = rep.disagg->transfer.mode == sim::KvTransferMode::layerwise ? "layerwise" : "whole";
        link["path"] = rep.disagg->link.kind;
        link["bytes_per_s_per_gpu"] = round6(rep.disagg->link.bytes_per_s_per_gpu);
        link["latency_us"] = round6(static_cast<double>(rep.disagg->link.latency_ns) * 1e-3);
        link["transfers"] = rep.run->kv_transfer.transfers;
        link["gib_moved"] = round6(rep.run->kv_transfer.bytes / (1024.0 * 1024 * 1024));
        j["kv_link"] = link;
    }
    if (rep.workload != nullptr && !rep.workload->stages.empty()) j["stages"] = stages_json(rep);
    // Idle share of the stages while the replica had work in flight; only meaningful with pipeline stages.
    j["pipeline_bubble_fraction"] =
        t.stages > 1 && t.active > 0 ? OrderedJson(round6(1.0 - t.busy / (t.stages * t.active))) : OrderedJson();
    j["sim_events"] = rep.run->events;
    j["simulated_requests_per_wall_s"] = s.wall_s > 0 ? std::round(s.requests / s.wall_s) : 0.0;
    j["workload"] = rep.workload_source;
    return j;
}

OrderedJson deterministic_summary_json(const ServingReport& rep) {
    OrderedJson j = serving_summary_json(rep);
    j.erase("wall_s");
    j.erase("simulated_requests_per_wall_s");
    return j;
}

std::string serving_summary_table(const ServingReport& rep) {
    const auto& s = rep.summary;
    const auto& setup = *rep.setup;
    const auto& d = setup.cost->deployment();
    const Totals t = totals_of(*rep.run);
    std::string out;
    out += fmt::format("llmsim run: {} on {} x{} (tp={} pp={} {}), engine {}, scheduler {} / router {}\n", d.model.id,
                       setup.device.id, setup.cluster.replicas, d.parallel.tp, d.parallel.pp,
                       dtype_name(d.precision.weights), setup.engine.id, setup.cluster.scheduler, setup.cluster.router);
    out += fmt::format("workload: {}\n\n", rep.workload_source);
    out += fmt::format("  requests        {:>10}   completed {}   rejected {}   preemptions {}\n", s.requests,
                       s.completed, s.rejected, s.preemptions);
    out += fmt::format("  throughput      {:>10.3f} req/s   {:.1f} output tok/s   {:.1f} input tok/s\n",
                       s.throughput_rps, s.output_tokens_per_s, s.input_tokens_per_s);
    out += fmt::format("  simulated       {:>10.2f} s        (wall {:.3f} s)\n", s.sim_duration_s, s.wall_s);
    if (const sim::FlashWeights* flash = setup.cost->flash_weights()) {
        const models::WeightOffloadPlan& p = flash->plan();
        out += fmt::format("  flash weights   {} per token in {} reads at {}: {:.2f} ms per token, {:.1f}% resident ({})\n",
                           units::format_bytes(p.load_bytes(1)), units::format_bytes(p.chunk_bytes()),
                           units::format_bytes_per_s(flash->read_bytes_per_s()), flash->pass_ns(1) * 1e-6,
                           100 * p.resident_fraction(), p.spec().sparse ? "sparse" : "naive");
    }
    if (s.rejected > 0) {
        out += fmt::format(
            "  note: {} requests need more than max-model-len {} tokens (prompt+output) or more KV than a\n"
            "        replica has, and were rejected; raise --max-model-len to admit them\n",
            s.rejected, setup.cluster.limits.max_model_len);
    }
    out += "\n";
    out += fmt::format("  {:<10} {:>10} {:>10} {:>10} {:>10}\n", "ms", "mean", "p50", "p90", "p99");
    auto row = [&](const char* name, const sim::Distribution& x) {
        out += fmt::format("  {:<10} {:>10.2f} {:>10.2f} {:>10.2f} {:>10.2f}\n", name, x.mean, x.p50, x.p90, x.p99);
    };
    row("TTFT", s.ttft_ms);
    row("TPOT", s.tpot_ms);
    row("E2E", s.e2e_ms);
    row("queue", s.queue_ms);
    if (s.slo_attainment) {
        out += fmt::format("\n  SLO attainment  {:.1f}%   goodput {:.3f} req/s\n", *s.slo_attainment * 100,
                           s.goodput_rps.value_or(0));
    }
    {
        const Cost cost = cost_of(rep);
        const int64_t gpus = static_cast<int64_t>(d.gpus()) * setup.cluster.replicas;
        if (rep.disagg != nullptr) {
            out += "\n";
            for (const auto& pj : pools_json(rep)) {
                out += fmt::format("  {:<7} pool    {} x{} (tp={} pp={}), engine {}, scheduler {}: busy {:.1f}%\n",
                                   pj["name"].get<std::string>(), pj["hardware"].get<std::string>(),
                                   pj["replicas"].get<int64_t>(), pj["tp"].get<int64_t>(), pj["pp"].get<int64_t>(),
                                   pj["engine"].get<std::string>(), pj["scheduler"].get<std::string>(),
                                   100.0 * pj["utilization"].get<double>());
            }
            const sim::Distribution kt = kv_transfer_ms_of(*rep.run);
            out += fmt::format("  KV transfer     {} ({}): {} transfers, mean {:.2f} ms, p99 {:.2f} ms\n",
                               rep.disagg->transfer.mode == sim::KvTransferMode::layerwise ? "layerwise" : "whole",
                               rep.disagg->link.kind, rep.run->kv_transfer.transfers, kt.mean, kt.p99);
        }
        if (rep.disagg != nullptr && cost.usd_per_hour) {
            out += fmt::format("\n  cost            ${:.2f} per hour (both pools), {:.4f} GPU-hours, ",
                               *cost.usd_per_hour, cost.gpu_hours);
            out += cost.usd_per_mtok ? fmt::format("${:.4f} per million output tokens\n", *cost.usd_per_mtok)
                                     : std::string("no output tokens\n");
        } else if (cost.usd_per_hour) {
            out += fmt::format("\n  cost            ${:.2f} per hour ({} GPU{} x ${:.3f}), {:.4f} GPU-hours, ",
                               *cost.usd_per_hour, gpus, gpus == 1 ? "" : "s", *setup.device.price_per_hour_usd,
                               cost.gpu_hours);
            out += cost.usd_per_mtok ? fmt::format("${:.4f} per million output tokens\n", *cost.usd_per_mtok)
                                     : std::string("no output tokens\n");
        } else {
            out += fmt::format("\n  cost            {:.4f} GPU-hours; {} has no price (--price {}=USD sets one)\n",
                               cost.gpu_hours, setup.device.id, setup.device.id);
        }
    }
    if (const auto energy = serving_energy(rep)) {
        out += fmt::format("  energy          {:.1f} kJ, {:.1f} W average, {} J per output token\n", energy->joules * 1e-3,
                           energy->average_power_w,
                           energy->j_per_output_token ? fmt::format("{:.4f}", *energy->j_per_output_token) : "-");
    }
    out += fmt::format("  KV cache        {} blocks ({} tokens) per replica, peak use {:.1f}%\n", setup.kv.blocks,
                       setup.kv.tokens, t.kv_cap > 0 ? 100.0 * t.kv_peak / t.kv_cap : 0.0);
    if (setup.cluster.prefix_caching) {
        const OrderedJson pc = prefix_cache_json(setup, *rep.run);
        std::string tiers;
        for (const auto& [name, v] : pc["per_tier"].items())
            tiers += fmt::format("{} {:.1f}%  ", name, 100.0 * v["hit_rate"].get<double>());
        out += fmt::format("  prefix cache    hit rate {:.1f}% of prompt tokens ({}), {} blocks evicted\n",
                           100.0 * pc["hit_rate"].get<double>(), trim(tiers), pc["evicted_blocks"].get<int64_t>());
    }
    if (!setup.cluster.spec_decode.empty()) {
        const OrderedJson sd = spec_decode_json(*rep.run);
        out += fmt::format(
            "  spec decode     {}: acceptance {:.1f}%, {:.2f} tokens per verify step, drafting {:.1f}% "
            "of device time\n",
            setup.cluster.spec_decode, 100.0 * sd["acceptance_rate"].get<double>(), sd["tokens_per_step"].get<double>(),
            100.0 * sd["draft_time_share"].get<double>());
    }
    if (rep.workload != nullptr && !rep.workload->stages.empty()) {
        const OrderedJson st = stages_json(rep);
        out += "\n  stage   rate/s  requests   TTFT mean   p90 ms    E2E mean   p90 ms\n";
        for (const auto& j : st) {
            out += fmt::format("  {:>5} {:>8.2f} {:>9} {:>11.2f} {:>8.2f} {:>11.2f} {:>8.2f}\n",
                               j["stage"].get<int64_t>(), j["rate"].get<double>(), j["requests"].get<int64_t>(),
                               j["ttft_ms"]["mean"].get<double>(), j["ttft_ms"]["p90"].get<double>(),
                               j["e2e_ms"]["mean"].get<double>(), j["e2e_ms"]["p90"].get<double>());
        }
    }
    out += fmt::format("  memory per GPU  weights {:.2f} GiB, activations {:.2f} GiB, KV {:.2f} GiB\n",
                       setup.kv.weight_bytes_per_gpu / 1073741824.0, setup.kv.activation_bytes_per_gpu / 1073741824.0,
                       setup.kv.kv_bytes_per_gpu / 1073741824.0);
    out += fmt::format("  batches         {} iterations, mean {:.1f} seqs / {:.1f} tokens\n", t.iterations,
                       t.iterations ? static_cast<double>(t.seqs) / t.iterations : 0.0,
                       t.iterations ? static_cast<double>(t.tokens) / t.iterations : 0.0);
    if (t.stages > 1 && t.active > 0) {
        out += fmt::format("  pipeline bubble {:.1f}% of stage time while busy\n",
                           100.0 * (1.0 - t.busy / (t.stages * t.active)));
    }
    return out;
}

}  // namespace llmsim::tools
