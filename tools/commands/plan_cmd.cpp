// llmsim plan: the deployments of a model that meet latency SLOs: maximum goodput of each, the cheapest for a
// target rate, and the Pareto front of throughput per GPU (or per dollar) against latency (docs/plan.md).
#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <iostream>
#include <memory>
#include <thread>

#include "common/atomic_file.hpp"
#include "common/error.hpp"
#include "common/limits.hpp"
#include "hardware/catalogue.hpp"
#include "models/presets.hpp"
#include "policies/engine/engine_preset.hpp"
#include "policies/scheduler/scheduler_registry.hpp"
#include "tools/commands/commands.hpp"
#include "tools/plan/plan_lists.hpp"
#include "tools/plan/plan_report.hpp"
#include "tools/plan/plan_search.hpp"
#include "tools/plan/plan_space.hpp"
#include "tools/plan/run_cache.hpp"
#include "tools/run_config.hpp"
#include "tools/store/result_store.hpp"
#include "tools/sweep/sweep_spec.hpp"
#include "tools/typed_options.hpp"
#include "traces/workload_builder.hpp"

namespace llmsim::tools {
namespace {

// `run` settings the planner searches (as lists) or chooses itself; the rest are the base of every run.
const std::set<std::string> kSearchedKeys = {"hardware",  "engine",     "scheduler", "tp",  "pp",           "replicas",
                                             "max-batch", "chunk-size", "qps",       "out", "chrome-trace", "json"};
constexpr int64_t kMaxParallel = 1024;
constexpr int64_t kMaxReplicas = 4096;
constexpr int64_t kMaxBatch = 1 << 20;
constexpr int kMaxThreads = 256;

struct PlanArgs {
    RunConfig base;
    std::string hardware, engines, schedulers, max_batch, chunk_size;
    std::string tp = "1,2,4,8";
    std::string pp = "1";
    std::string replicas = "1..16";
    std::optional<double> target_qps;
    bool max_goodput = false;
    std::string objective = "min-cost";
    int percentile = 90;
    double attainment = 0.9;
    double tolerance = 0.02;
    std::string pareto = "per-gpu";
    std::string pareto_latency = "e2e";
    std::string db, csv;
    bool json = false;
    bool quiet = false;
    int threads = 0;  // 0: one per hardware thread
    int top = 20;
    EnergyPrice energy;
};

PlanObjective parse_objective(const std::string& s) {
    if (s == "min-cost") return PlanObjective::min_cost;
    if (s == "min-gpus") return PlanObjective::min_gpus;
    if (s == "max-goodput") return PlanObjective::max_goodput;
    if (s == "min-energy") return PlanObjective::min_energy;
    throw UsageError("--objective", "expected min-cost, min-gpus, max-goodput or min-energy, got '" + s + "'");
}

// The longest prompt + output of the workload (the same requests every run draws, at any rate).
int64_t longest_request_tokens(const RunConfig& cfg) {
    traces::WorkloadOptions w;
    w.trace_path = cfg.opt_text("trace");
    w.trace_format = cfg.text("trace-format");
    w.num_requests = cfg.opt_integer("num-requests");
    if (w.num_requests && *w.num_requests < 1) {
        throw UsageError(cfg.where("num-requests"), "must be >= 1, got " + std::to_string(*w.num_requests));
    }
    w.qps = 1.0;  // any rate: only the lengths are read
    w.arrival = cfg.opt_text("arrival");
    w.lengths = cfg.opt_text("lengths");
    w.seed = static_cast<uint64_t>(std::max<int64_t>(0, cfg.integer("seed")));
    int64_t longest = 0;
    for (const auto& r : traces::build_workload(w).requests)
        longest = std::max<int64_t>(longest, int64_t{r.prompt_tokens} + r.output_tokens);
    return longest;
}

PlanAxes parse_axes(const PlanArgs& a) {
    PlanAxes axes;
    if (a.hardware.empty()) throw UsageError("--hardware", "required: a list of hardware ids, e.g. h100,a100,l40s");
    for (const auto& h : parse_name_list(a.hardware, "--hardware")) {
        (void)hardware::resolve_device(h, "--hardware");  // unknown ids name the nearest one
        axes.hardware.push_back(h);
    }
    if (!a.engines.empty()) {
        for (const auto& e : parse_name_list(a.engines, "--engine")) {
            (void)policies::resolve_engine(e, "--engine");
            axes.engines.push_back(e);
        }
    }
    if (!a.schedulers.empty()) {
        for (const auto& s : parse_name_list(a.schedulers, "--scheduler")) {
            (void)policies::scheduler_registry().get(s, "--scheduler");
            axes.schedulers.push_back(s);
        }
    }
    axes.tp = parse_int_list(a.tp, "--tp", 1, kMaxParallel);
    axes.pp = parse_int_list(a.pp, "--pp", 1, kMaxParallel);
    if (!a.max_batch.empty()) axes.max_batch = parse_int_list(a.max_batch, "--max-batch", 1, kMaxBatch);
    if (!a.chunk_size.empty()) axes.chunk_size = parse_int_list(a.chunk_size, "--chunk-size", 1, kMaxBatch);
    return axes;
}

PlanOptions parse_options(const PlanArgs& a, const RunConfig& base) {
    PlanOptions o;
    o.slo.ttft_ms = base.opt_number("slo-ttft-ms");
    o.slo.tpot_ms = base.opt_number("slo-tpot-ms");
    if (!o.slo.ttft_ms && !o.slo.tpot_ms) {
        throw UsageError("--slo-ttft-ms", "plan needs a latency target: --slo-ttft-ms and/or --slo-tpot-ms");
    }
    if (a.percentile != 50 && a.percentile != 90 && a.percentile != 99) {
        throw UsageError(
            "--slo-percentile",
            fmt::format("expected 50, 90 or 99 (the percentiles every stored run carries), got {}", a.percentile));
    }
    o.slo.percentile = a.percentile;
    if (!(a.attainment > 0 && a.attainment <= 1)) {
        throw UsageError("--slo-attainment", fmt::format("must be in (0, 1], got {}", a.attainment));
    }
    o.slo.attainment = a.attainment;
    if (!(a.tolerance >= 0.001 && a.tolerance <= 0.5)) {
        throw UsageError("--qps-tolerance", fmt::format("must be in [0.001, 0.5], got {}", a.tolerance));
    }
    o.qps_tolerance = a.tolerance;
    o.objective = parse_objective(a.objective);
    if (a.target_qps) {
        if (!(*a.target_qps > 0) || std::isinf(*a.target_qps)) {
            throw UsageError("--target-qps", fmt::format("must be a finite rate > 0, got {}", *a.target_qps));
        }
        if (a.max_goodput) throw UsageError("--max-goodput", "conflicts with --target-qps (choose one question)");
        if (o.objective == PlanObjective::max_goodput) {
            throw UsageError("--objective",
                             "max-goodput ranks without a target; with --target-qps use min-cost, min-gpus or "
                             "min-energy");
        }
        o.target_qps = a.target_qps;
    }
    if (a.max_goodput) o.objective = PlanObjective::max_goodput;
    o.replicas = parse_int_list(a.replicas, "--replicas", 1, kMaxReplicas);
    if (a.pareto != "per-gpu" && a.pareto != "per-usd") {
        throw UsageError("--pareto", "expected per-gpu or per-usd, got '" + a.pareto + "'");
    }
    o.pareto_throughput = a.pareto == "per-gpu" ? ParetoThroughput::per_gpu : ParetoThroughput::per_usd;
    if (a.pareto_latency != "ttft" && a.pareto_latency != "tpot" && a.pareto_latency != "e2e") {
        throw UsageError("--pareto-latency", "expected ttft, tpot or e2e, got '" + a.pareto_latency + "'");
    }
    o.pareto_latency = a.pareto_latency;
    if (a.top < 1) throw UsageError("--top", fmt::format("must be >= 1, got {}", a.top));
    o.quiet = a.quiet;
    o.energy = a.energy;
    if (!o.energy.counted() && o.energy.pue != kDefaultPue) {
        throw UsageError("--pue", fmt::format("scales the energy cost, which is not counted without --energy-price; "
                                              "got --pue {} with --energy-price 0",
                                              o.energy.pue));
    }
    // Full runs of R replicas draw R x the requests so each replica sees as many as in the search; a trace keeps its
    // own requests.
    if (!base.has("trace")) {
        o.requests_per_replica = base.opt_integer("num-requests").value_or(traces::default_synthetic_requests);
    }
    return o;
}

void plan_command(PlanArgs& a) {
    if (!a.csv.empty()) check_output_file(a.csv, "--csv");
    const auto t0 = std::chrono::steady_clock::now();
    RunConfig& base = a.base;
    base.resolve();
    for (const auto& key : kSearchedKeys) {
        if (base.user_set(key)) {
            throw UsageError(base.where(key),
                             "llmsim plan searches or chooses this setting; give it as a plan flag "
                             "(--hardware, --tp, ... take lists; --target-qps the rate)");
        }
    }
    if (base.has("workload")) {
        throw UsageError(base.where("workload"),
                         "a workload file fixes its own arrival rates (load stages), and the planner varies the rate: "
                         "give the requests as --lengths or --trace");
    }
    (void)models::resolve_model(base.text("model"), base.where("model"));
    if (a.threads < 0 || a.threads > kMaxThreads) {
        throw UsageError("--threads", fmt::format("must be in [1, {}] (0: one per hardware thread), got {}",
                                                  kMaxThreads, a.threads));
    }
    const int threads = a.threads > 0 ? a.threads : static_cast<int>(std::max(1U, std::thread::hardware_concurrency()));
    const PlanAxes axes = parse_axes(a);
    PlanOptions o = parse_options(a, base);
    o.threads = threads;
    const OrderedJson base_json = base.user_json();

    const PlanSpace space = build_plan_space(base_json, axes, longest_request_tokens(base), threads);
    if (space.candidates.empty()) {
        std::string reasons;
        for (const auto& [why, count] : space.pruned_by_reason())
            reasons += fmt::format("{}{}: {}", reasons.empty() ? "" : "; ", why, count);
        throw UsageError(space.pruned.empty() ? "--hardware" : "--tp",
                         fmt::format("nothing to plan: all {} combinations were pruned ({}; first: {})",
                                     space.combinations, reasons, space.pruned.front().message));
    }

    std::unique_ptr<store::ResultStore> store;
    int64_t plan_id = 0;
    if (!a.db.empty()) {
        store = std::make_unique<store::ResultStore>(a.db);
        OrderedJson spec;
        spec["base"] = base_json;
        spec["hardware"] = axes.hardware;
        spec["engine"] = axes.engines;
        spec["scheduler"] = axes.schedulers;
        spec["tp"] = axes.tp;
        spec["pp"] = axes.pp;
        spec["replicas"] = o.replicas;
        spec["max-batch"] = axes.max_batch;
        spec["chunk-size"] = axes.chunk_size;
        spec["target-qps"] = o.target_qps ? OrderedJson(*o.target_qps) : OrderedJson();
        spec["slo"] = {{"percentile", o.slo.percentile}, {"attainment", o.slo.attainment}};
        spec["qps-tolerance"] = o.qps_tolerance;
        spec["objective"] = a.objective;
        // Only when counted, so a plan without it keeps its earlier id in the store.
        if (o.energy.counted()) spec["energy"] = {{"usd_per_kwh", o.energy.usd_per_kwh}, {"pue", o.energy.pue}};
        const std::string spec_text = spec.dump();
        plan_id = store->begin_sweep(
            hash_hex("plan " + spec_text), "plan", "plan", spec_text,
            {"hardware", "engine", "scheduler", "tp", "pp", "replicas", "max-batch", "chunk-size", "qps"}, {});
    }
    RunCache cache(store.get(), plan_id);
    const PlanResult result = run_plan(space, o, cache);
    if (store) store->checkpoint();

    PlanContext ctx;
    ctx.model = base.text("model");
    ctx.router = base.text("router");
    ctx.simulated = cache.simulated();
    ctx.cached = cache.cached();
    ctx.top = a.top;
    ctx.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (!a.csv.empty()) write_file_atomic(a.csv, plan_csv(space, o, result), "--csv");
    if (a.json) {
        std::cout << plan_json(space, o, result, ctx).dump() << "\n";
    } else {
        std::cout << plan_text(space, o, result, ctx);
    }
    if (!a.quiet) {
        std::cerr << fmt::format("llmsim plan: {} runs simulated, {} from the store, in {:.2f} s\n", ctx.simulated,
                                 ctx.cached, ctx.wall_s);
    }
}

}  // namespace

void add_plan_command(CLI::App& root) {
    auto a = std::make_shared<PlanArgs>();
    CLI::App* cmd = root.add_subcommand(
        "plan", "find the deployments that meet latency SLOs: max goodput, cheapest for a rate, Pareto front");
    a->base.add_flags(*cmd, kSearchedKeys);
    cmd->add_option("--hardware", a->hardware, "hardware ids or profile paths to search, e.g. h100,a100,l40s")
        ->required();
    cmd->add_option("--engine", a->engines, "engine presets to search (default: the one engine, vllm)");
    cmd->add_option("--scheduler", a->schedulers,
                    "schedulers to search, e.g. vllm,sarathi,orca (default: the engine's)");
    cmd->add_option("--tp", a->tp, "tensor parallel degrees: list and ranges A..B")->capture_default_str();
    cmd->add_option("--pp", a->pp, "pipeline stages: list and ranges")->capture_default_str();
    cmd->add_option("--replicas", a->replicas, "replica counts: list and ranges")->capture_default_str();
    cmd->add_option("--max-batch", a->max_batch, "batch caps to search (default: the engine's)");
    cmd->add_option("--chunk-size", a->chunk_size, "chunk sizes (token budgets) to search (default: the engine's)");
    cmd->add_option("--target-qps,--qps", a->target_qps,
                    "target rate in req/s: find the cheapest deployment meeting the SLO at it");
    cmd->add_flag("--max-goodput", a->max_goodput, "rank by maximum goodput per replica (no target rate)");
    cmd->add_option("--objective", a->objective,
                    "min-cost ($/hour, then GPUs; without a target: goodput per $/hour) | min-gpus | max-goodput | "
                    "min-energy (device energy per output token; with a target: deployment power)")
        ->capture_default_str();
    add_real_option(*cmd, "--energy-price", a->energy.usd_per_kwh,
                    "electricity in USD per kWh, added to $/hour as device power x PUE x price (0: not counted)",
                    {0, kMaxEnergyUsdPerKwh})
        ->type_name("USD_PER_KWH")
        ->capture_default_str();
    add_real_option(*cmd, "--pue", a->energy.pue,
                    "power usage effectiveness: facility power / device power, multiplies the energy cost",
                    {kMinPue, kMaxPue})
        ->capture_default_str();
    add_int_option(*cmd, "--slo-percentile", a->percentile,
                   "percentile of TTFT and TPOT held to the targets: 50, 90, 99", {50, 99})
        ->capture_default_str();
    add_real_option(*cmd, "--slo-attainment", a->attainment,
                    "fraction of requests that must meet every target (DistServe's goodput criterion)", kFraction)
        ->capture_default_str();
    add_real_option(*cmd, "--qps-tolerance", a->tolerance,
                    "bisection stops when the rate bracket is narrower than this fraction of the capacity",
                    {0.001, 0.5})
        ->capture_default_str();
    cmd->add_option("--pareto", a->pareto, "Pareto throughput: per-gpu (output tokens/s per GPU) | per-usd")
        ->capture_default_str();
    cmd->add_option("--pareto-latency", a->pareto_latency, "Pareto latency at the SLO percentile: ttft | tpot | e2e")
        ->capture_default_str();
    cmd->add_option("--db", a->db, "SQLite result store: every run is cached there (a re-plan skips finished runs)")
        ->check(non_empty_path());
    cmd->add_option("--csv", a->csv, "also write one row per replica configuration as CSV")->check(non_empty_path());
    cmd->add_flag("--json", a->json, "print exactly one JSON object on stdout");
    cmd->add_flag("--quiet", a->quiet, "no progress on stderr");
    add_int_option(*cmd, "--threads", a->threads, "worker threads (default 0: one per hardware thread)",
                   {0, kMaxThreads});
    add_int_option(*cmd, "--top", a->top, "rows of the ranked table", {1, limits::kMaxTableRows})
        ->capture_default_str();
    cmd->callback([a]() { plan_command(*a); });
}

}  // namespace llmsim::tools
