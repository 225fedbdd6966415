#include "tools/report/serving_report.hpp"

#include <fmt/format.h>

#include <cmath>

#include "common/strings.hpp"

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

}  // namespace

OrderedJson serving_summary_json(const ServingReport& rep) {
    const auto& s = rep.summary;
    const auto& setup = *rep.setup;
    const auto& d = setup.cost->deployment();
    const Totals t = totals_of(*rep.run);
    const int64_t gpus = static_cast<int64_t>(d.gpus()) * setup.cluster.replicas;
    OrderedJson j;
    j["requests"] = s.requests;
    j["completed"] = s.completed;
    j["rejected"] = s.rejected;
    j["sim_duration_s"] = round6(s.sim_duration_s);
    j["wall_s"] = round6(s.wall_s);
    j["throughput_rps"] = round6(s.throughput_rps);
    j["output_tokens_per_s"] = round6(s.output_tokens_per_s);
    j["input_tokens_per_s"] = round6(s.input_tokens_per_s);
    j["ttft_ms"] = dist_json(s.ttft_ms);
    j["tpot_ms"] = dist_json(s.tpot_ms);
    j["e2e_ms"] = dist_json(s.e2e_ms);
    j["queue_ms"] = dist_json(s.queue_ms);
    j["preemptions"] = s.preemptions;
    j["slo_attainment"] = s.slo_attainment ? OrderedJson(round6(*s.slo_attainment)) : OrderedJson();
    j["goodput_rps"] = s.goodput_rps ? OrderedJson(round6(*s.goodput_rps)) : OrderedJson();
    j["output_tokens_per_s_per_gpu"] = round6(s.output_tokens_per_s / static_cast<double>(gpus));
    OrderedJson dep;
    dep["model"] = d.model.id;
    dep["hardware"] = setup.device.id;
    dep["dtype"] = std::string(dtype_name(d.precision.weights));
    dep["tp"] = d.parallel.tp;
    dep["pp"] = d.parallel.pp;
    dep["replicas"] = setup.cluster.replicas;
    dep["gpus"] = gpus;
    dep["scheduler"] = setup.cluster.scheduler;
    dep["router"] = setup.cluster.router;
    dep["framework_overhead"] = setup.cost->overhead().name;
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
    OrderedJson b;
    b["iterations"] = t.iterations;
    b["mean_batch_seqs"] = t.iterations > 0 ? round6(static_cast<double>(t.seqs) / t.iterations) : 0.0;
    b["mean_batch_tokens"] = t.iterations > 0 ? round6(static_cast<double>(t.tokens) / t.iterations) : 0.0;
    j["batches"] = b;
    // Idle share of the stages while the replica had work in flight; only meaningful with pipeline stages.
    j["pipeline_bubble_fraction"] =
        t.stages > 1 && t.active > 0 ? OrderedJson(round6(1.0 - t.busy / (t.stages * t.active))) : OrderedJson();
    j["sim_events"] = rep.run->events;
    j["simulated_requests_per_wall_s"] = s.wall_s > 0 ? std::round(s.requests / s.wall_s) : 0.0;
    j["workload"] = rep.workload_source;
    return j;
}

std::string serving_summary_table(const ServingReport& rep) {
    const auto& s = rep.summary;
    const auto& setup = *rep.setup;
    const auto& d = setup.cost->deployment();
    const Totals t = totals_of(*rep.run);
    std::string out;
    out += fmt::format("llmsim run: {} on {} x{} (tp={} pp={} {}), scheduler {} / router {}\n", d.model.id,
                       setup.device.id, setup.cluster.replicas, d.parallel.tp, d.parallel.pp,
                       dtype_name(d.precision.weights), setup.cluster.scheduler, setup.cluster.router);
    out += fmt::format("workload: {}\n\n", rep.workload_source);
    out += fmt::format("  requests        {:>10}   completed {}   rejected {}   preemptions {}\n", s.requests,
                       s.completed, s.rejected, s.preemptions);
    out += fmt::format("  throughput      {:>10.3f} req/s   {:.1f} output tok/s   {:.1f} input tok/s\n",
                       s.throughput_rps, s.output_tokens_per_s, s.input_tokens_per_s);
    out += fmt::format("  simulated       {:>10.2f} s        (wall {:.3f} s)\n", s.sim_duration_s, s.wall_s);
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
    out += fmt::format("\n  KV cache        {} blocks ({} tokens) per replica, peak use {:.1f}%\n", setup.kv.blocks,
                       setup.kv.tokens, t.kv_cap > 0 ? 100.0 * t.kv_peak / t.kv_cap : 0.0);
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
