// `llmsim train`: one training step of a model on a GPU cluster for a TP/PP/DP/CP/EP layout (step time,
// throughput, MFU, pipeline bubble, memory per GPU), or `--search` over layouts. See docs/training.md.
#include <CLI/CLI.hpp>
#include <chrono>
#include <cmath>
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include "common/atomic_file.hpp"
#include "common/error.hpp"
#include "common/limits.hpp"
#include "common/nearest.hpp"
#include "common/strings.hpp"
#include "common/units.hpp"
#include "hardware/catalogue.hpp"
#include "models/presets.hpp"
#include "policies/parallel/layout_search.hpp"
#include "policies/parallel/schedule.hpp"
#include "sim/training/layout_rules.hpp"
#include "sim/training/training_energy.hpp"
#include "sim/training/training_report.hpp"
#include "sim/training/training_sim.hpp"
#include "tools/commands/commands.hpp"
#include "tools/progress_bar.hpp"
#include "tools/commands/json_api.hpp"
#include "tools/json_args.hpp"
#include "tools/typed_options.hpp"

namespace llmsim::tools {
namespace {

struct TrainArgs {
    std::string model;
    std::string hardware;
    int32_t gpus = 0;
    int32_t tp = 1, pp = 1, dp = 0, cp = 1, ep = 1, vpp = 1, zero = 1;
    int32_t micro_batch = 1;
    int64_t global_batch = 1024;
    int64_t seq_len = 0;
    std::string recompute = "none";
    std::string dtype = "auto";
    std::string schedule = "auto";
    std::string cp_kind = "ring";
    bool no_sequence_parallel = false;
    std::string attention = "flash";
    std::string dropout = "auto";
    double capacity_factor = 1.0;
    std::string overlap = "default";
    std::string grad_dtype = "auto";
    std::string grad_accum_fusion = "on";
    bool allow_uneven = false;
    bool parallel_block = false;
    std::string collective_algo = "auto";
    std::string memory_reserve = "1GiB";
    // Topology
    int32_t gpus_per_node = 0;
    int32_t nics_per_node = 0;
    std::string nic_bandwidth;
    std::string nvlink_bandwidth;
    int32_t nodes_per_leaf = 32;
    double oversubscription = 1.0;
    std::string switch_latency = "300ns";
    bool no_rail_optimized = false;
    // Output
    bool search = false;
    int32_t top = 10;
    std::string out;
    bool explain = false;
    bool json = false;
    bool quiet = false;
    // Which layout flags were given (fixed in a search).
    CLI::Option* tp_opt = nullptr;
    CLI::Option* pp_opt = nullptr;
    CLI::Option* dp_opt = nullptr;
    CLI::Option* cp_opt = nullptr;
    CLI::Option* ep_opt = nullptr;
    CLI::Option* vpp_opt = nullptr;
    CLI::Option* zero_opt = nullptr;
    CLI::Option* mbs_opt = nullptr;
    CLI::Option* recompute_opt = nullptr;
    CLI::Option* seq_len_opt = nullptr;
    CLI::Option* gpus_per_node_opt = nullptr;
    CLI::Option* nics_per_node_opt = nullptr;
};

bool on_off(const std::string& v, const char* flag) {
    if (v == "on" || v == "true" || v == "1") return true;
    if (v == "off" || v == "false" || v == "0") return false;
    throw UsageError(flag, "expected on or off, got '" + v + "'");
}

hardware::TopologySpec topology_spec(const TrainArgs& a, const hardware::DeviceSpec& device) {
    hardware::TopologySpec t = hardware::topology_from_device(device);
    if (a.gpus_per_node_opt->count() > 0) {
        t.gpus_per_node = a.gpus_per_node;
        t.nics_per_node = a.gpus_per_node;
    }
    if (a.nics_per_node_opt->count() > 0) t.nics_per_node = a.nics_per_node;
    if (!a.nic_bandwidth.empty()) t.nic_bytes_per_s = units::parse_bytes_per_s(a.nic_bandwidth, "--nic-bandwidth");
    if (!a.nvlink_bandwidth.empty()) {
        t.nvlink_bytes_per_s = units::parse_bytes_per_s(a.nvlink_bandwidth, "--nvlink-bandwidth");
    }
    t.nodes_per_leaf = a.nodes_per_leaf;
    t.oversubscription = a.oversubscription;
    t.switch_latency_ns = units::parse_duration_ns(a.switch_latency, "--switch-latency");
    // A switch hop beyond a second is no network; larger values would overflow the path sums of the topology.
    check_int_in(t.switch_latency_ns, "--switch-latency", {0, 1'000'000'000});
    t.rail_optimized = !a.no_rail_optimized;
    return t;
}

// Gradient buffers are kept in a float type (what --help lists); integer formats have no gradient meaning.
DType grad_dtype(const std::string& text) {
    const DType d = parse_dtype(text, "--grad-dtype");
    if (d != DType::fp32 && d != DType::bf16 && d != DType::fp16) {
        throw UsageError("--grad-dtype", "expected auto, fp32, bf16 or fp16, got '" + clip_for_message(text) + "'");
    }
    return d;
}

DType training_dtype(const std::string& text, const hardware::DeviceSpec& device) {
    if (text == "auto") return device.supports(DType::bf16) ? DType::bf16 : DType::fp16;
    return parse_dtype(text, "--dtype");
}

sim::TrainingConfig make_config(const TrainArgs& a, const models::ModelSpec& model,
                                const hardware::DeviceSpec& device) {
    sim::TrainingConfig c;
    auto& p = c.parallel;
    p.tp = a.tp;
    p.pp = a.pp;
    p.cp = a.cp;
    p.ep = a.ep;
    p.vpp = a.vpp;
    p.sequence_parallel = !a.no_sequence_parallel;
    auto kind = models::cp_kind_from_name(a.cp_kind);
    if (!kind)
        throw UsageError("--cp-kind", unknown_name_message("context-parallel kind", a.cp_kind, {"ring", "ulysses"}));
    p.cp_kind = *kind;
    if (a.dp_opt->count() > 0) {
        p.dp = a.dp;
    } else {
        const int64_t rest = static_cast<int64_t>(a.tp) * a.pp * a.cp;
        if (a.tp < 1 || a.pp < 1 || a.cp < 1) {
            throw UsageError("--tp", "tp, pp and cp must be >= 1 (got " + std::to_string(a.tp) + ", " +
                                         std::to_string(a.pp) + ", " + std::to_string(a.cp) + ")");
        }
        if (a.gpus % rest != 0) {
            throw UsageError("--gpus", "--gpus " + std::to_string(a.gpus) + " is not divisible by tp x pp x cp = " +
                                           std::to_string(rest) + ", so no data-parallel degree fits");
        }
        p.dp = static_cast<int32_t>(a.gpus / rest);
    }
    c.zero = a.zero;
    c.global_batch = a.global_batch;
    c.shape.micro_batch = a.micro_batch;
    c.shape.seq_len = a.seq_len_opt->count() > 0 ? a.seq_len : std::min<int64_t>(model.max_position, 4096);
    auto rc = models::recompute_from_name(a.recompute);
    if (!rc) {
        throw UsageError("--recompute",
                         unknown_name_message("recompute mode", a.recompute, {"none", "selective", "full"}));
    }
    c.recompute = *rc;
    c.dtype = training_dtype(a.dtype, device);
    (void)sim::training_precision(c.dtype);  // rejects inference-only formats
    (void)device.peak(c.dtype, "--dtype");
    c.schedule = a.schedule == "auto" ? (a.vpp > 1 ? "interleaved" : "1f1b") : a.schedule;
    (void)policies::find_schedule(c.schedule);
    auto attn = models::attention_impl_from_name(a.attention);
    if (!attn) throw UsageError("--attention", unknown_name_message("attention", a.attention, {"flash", "unfused"}));
    c.shape.attention = *attn;
    if (a.dropout == "auto") {
        // GPT-style recipes (Megatron, NeMo GPT-3, OPT) train with dropout 0.1; Llama-style recipes without.
        c.shape.dropout = model.family == "gpt3" || model.family == "gpt2" || model.family == "opt";
    } else {
        c.shape.dropout = on_off(a.dropout, "--dropout");
    }
    c.shape.capacity_factor = a.capacity_factor;
    c.shape.grad_accum_fusion = on_off(a.grad_accum_fusion, "--grad-accum-fusion");
    c.shape.grad_dtype = a.grad_dtype == "auto" ? sim::training_precision(c.dtype).weights : grad_dtype(a.grad_dtype);
    c.overlap = sim::parse_overlap(a.overlap, "--overlap");
    auto algo = hardware::collective_algo_from_name(a.collective_algo);
    if (!algo) {
        throw UsageError("--collective-algo", unknown_name_message("collective algorithm", a.collective_algo,
                                                                   {"auto", "ring", "tree", "hierarchical"}));
    }
    c.collective_algo = *algo;
    c.allow_uneven = a.allow_uneven;
    c.memory_reserve_bytes = units::parse_bytes(a.memory_reserve, "--memory-reserve");
    return c;
}

// Each prints the table, or with --json the JSON object; with `json_out`, stores the JSON object there instead.
void run_single(const TrainArgs& a, sim::TrainingSimulator& sim, const sim::TrainingConfig& cfg,
                OrderedJson* json_out) {
    const sim::TrainingResult r = sim.simulate(cfg);
    if (a.json || json_out != nullptr) {
        OrderedJson j = sim::training_result_json(r, sim);
        if (const auto e = sim::training_energy(r, sim.device(), sim.costs().explain(cfg, false),
                                                sim.costs().explain(cfg, true))) {
            auto round = [](double v) { return std::round(v * 1e6) / 1e6; };
            j["energy"] = {{"joules_per_step", round(e->joules_per_step)},
                           {"average_power_w_per_gpu", round(e->average_power_w_per_gpu)},
                           {"joules_per_token", round(e->joules_per_token)},
                           {"compute_share", round(e->compute_share)},
                           {"memory_share", round(e->memory_share)}};
        }
        if (a.explain)
            j["layer_ops"] = sim::training_ops_json(sim.costs().explain(cfg, false), sim.costs().explain(cfg, true));
        if (json_out != nullptr) {
            *json_out = std::move(j);
            return;
        }
        std::cout << j.dump(2) << "\n";
        return;
    }
    std::cout << sim::training_result_table(r, sim);
    if (a.explain)
        std::cout << sim::training_ops_table(sim.costs().explain(cfg, false), sim.costs().explain(cfg, true));
}

void run_search(const TrainArgs& a, sim::TrainingSimulator& sim, const sim::TrainingConfig& base,
                OrderedJson* json_out) {
    const auto start = std::chrono::steady_clock::now();
    policies::SearchSpace space = policies::default_search_space(sim.model(), base, a.gpus);
    // Flags the user gave are fixed; the rest are searched.
    if (a.tp_opt->count() > 0) space.tp = {a.tp};
    if (a.pp_opt->count() > 0) space.pp = {a.pp};
    if (a.cp_opt->count() > 0) space.cp = {a.cp};
    if (a.ep_opt->count() > 0) space.ep = {a.ep};
    if (a.vpp_opt->count() > 0) space.vpp = {a.vpp};
    if (a.zero_opt->count() > 0) space.zero = {a.zero};
    if (a.mbs_opt->count() > 0) space.micro_batch = {a.micro_batch};
    if (a.recompute_opt->count() > 0) space.recompute = {base.recompute};
    if (a.dp_opt->count() > 0) space.dp = a.dp;
    if (a.top < 1) throw UsageError("--top", "must be >= 1, got " + std::to_string(a.top));
    std::optional<ProgressBar> bar;
    policies::RefineProgress progress;
    if (ProgressBar::wanted(a.quiet)) {
        // The bar starts with the first DAG re-simulation, when their number is known.
        progress = [&bar](size_t /*done*/, size_t total) {
            if (!bar) bar.emplace("llmsim train --search: re-simulating", static_cast<int64_t>(total), "layouts");
            bar->advance();
        };
    }
    const policies::SearchOutcome out = policies::search_layouts(sim, base, space, a.top, progress);
    if (bar) bar->finish();
    const double wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (!a.out.empty()) {
        std::string csv = sim::training_csv_header();
        for (const auto& c : out.candidates)
            csv += sim::training_csv_row(c);
        write_file_atomic(a.out, csv, "--out");
        std::cerr << "llmsim: wrote " << a.out << " (" << out.candidates.size() << " layouts)\n";
    }
    const size_t shown = std::min(out.ranked.size(), static_cast<size_t>(a.top));
    if (a.json || json_out != nullptr) {
        OrderedJson j;
        j["model"] = sim.model().id;
        j["hardware"] = sim.device().id;
        j["gpus"] = a.gpus;
        j["enumerated"] = out.enumerated;
        j["valid"] = out.candidates.size();
        j["fitting"] = out.ranked.size();
        j["wall_s"] = wall_s;
        OrderedJson top = OrderedJson::array();
        for (size_t i = 0; i < shown; ++i)
            top.push_back(sim::training_result_json(out.candidates[out.ranked[i]], sim));
        j["top"] = top;
        if (json_out != nullptr) {
            *json_out = std::move(j);
            return;
        }
        std::cout << j.dump(2) << "\n";
        return;
    }
    std::cout << "searched " << out.enumerated << " combinations: " << out.candidates.size() << " valid layouts, "
              << out.ranked.size() << " fit in memory (" << format_double(wall_s, 3) << " s)\n";
    if (shown == 0) {
        std::cout << "no layout fits; try more GPUs, --recompute full or a higher --zero\n";
        return;
    }
    std::vector<const sim::TrainingResult*> rows;
    for (size_t i = 0; i < shown; ++i)
        rows.push_back(&out.candidates[out.ranked[i]]);
    std::cout << sim::training_search_table(rows) << "\nbest layout:\n"
              << sim::training_result_table(*rows.front(), sim);
}

void run_train(const TrainArgs& a, OrderedJson* json_out = nullptr) {
    if (a.gpus < 1) throw UsageError("--gpus", "must be >= 1, got " + std::to_string(a.gpus));
    if (!a.out.empty() && !a.search) throw UsageError("--out", "writes the layout table of --search");
    if (!a.out.empty()) check_output_file(a.out, "--out");
    models::ModelSpec model = models::resolve_model(a.model);
    if (a.parallel_block) {
        // GPT-J/PaLM block: attention and MLP read one norm's output and their TP outputs are reduced together.
        model.parallel_residual = true;
        model.norms_per_layer = 1;
    }
    const hardware::DeviceSpec device = hardware::resolve_device(a.hardware);
    const sim::TrainingConfig cfg = make_config(a, model, device);
    if (!a.search) {  // before building the cluster
        sim::validate_training_layout(model, cfg, a.gpus, policies::schedule_registry());
    }
    sim::TrainingSimulator sim(model, device, topology_spec(a, device), a.gpus, policies::schedule_registry());
    if (a.search) {
        run_search(a, sim, cfg, json_out);
    } else {
        run_single(a, sim, cfg, json_out);
    }
}

void add_train_options(CLI::App* cmd, TrainArgs* a) {
    cmd->add_option("--model", a->model, "model preset id or Hugging Face config.json")->required();
    cmd->add_option("--hardware", a->hardware, "device preset id or profile JSON")->required();
    const IntRange degree{1, limits::kMaxParallelDegree};
    add_int_option(*cmd, "--gpus", a->gpus, "total GPUs", {1, limits::kMaxGpus})->required();
    a->tp_opt = add_int_option(*cmd, "--tp", a->tp, "tensor parallel degree", degree)->capture_default_str();
    a->pp_opt = add_int_option(*cmd, "--pp", a->pp, "pipeline stages", degree)->capture_default_str();
    a->dp_opt = add_int_option(*cmd, "--dp", a->dp, "data parallel degree (default: gpus / (tp x pp x cp))", degree);
    a->cp_opt = add_int_option(*cmd, "--cp", a->cp, "context parallel degree", degree)->capture_default_str();
    a->ep_opt =
        add_int_option(*cmd, "--ep", a->ep, "expert parallel degree (MoE; divides dp)", degree)->capture_default_str();
    a->vpp_opt = add_int_option(*cmd, "--vpp", a->vpp, "model chunks per pipeline rank (interleaved 1F1B)", degree)
                     ->capture_default_str();
    a->zero_opt = add_int_option(*cmd, "--zero", a->zero, "ZeRO stage 0..3 (1 = distributed optimizer)", {0, 3})
                      ->capture_default_str();
    a->mbs_opt =
        add_int_option(*cmd, "--micro-batch", a->micro_batch, "sequences per micro-batch", {1, limits::kMaxGlobalBatch})
            ->capture_default_str();
    add_int_option(*cmd, "--global-batch", a->global_batch, "sequences per step", {1, limits::kMaxGlobalBatch})
        ->capture_default_str();
    a->seq_len_opt = add_int_option(*cmd, "--seq-len", a->seq_len,
                                    "tokens per sequence (default: min(model context, 4096))", {1, limits::kMaxTokens});
    a->recompute_opt = cmd->add_option("--recompute", a->recompute, "activation recomputation: none|selective|full")
                           ->capture_default_str();
    cmd->add_option("--dtype", a->dtype, "GEMM math type: auto (bf16, else fp16)|bf16|fp16|fp8|fp32|tf32")
        ->capture_default_str();
    cmd->add_option("--schedule", a->schedule, "pipeline schedule: auto|1f1b|interleaved|gpipe")->capture_default_str();
    cmd->add_option("--cp-kind", a->cp_kind, "context parallelism: ring (KV passing) | ulysses (all-to-all)")
        ->capture_default_str();
    cmd->add_flag("--no-sequence-parallel", a->no_sequence_parallel,
                  "TP all-reduces instead of sequence-parallel all-gather/reduce-scatter");
    cmd->add_option("--attention", a->attention, "attention kernels: flash | unfused (Megatron 2021 softmax path)")
        ->capture_default_str();
    cmd->add_option("--dropout", a->dropout, "hidden/attention dropout: auto (GPT families on)|on|off")
        ->capture_default_str();
    add_real_option(*cmd, "--capacity-factor", a->capacity_factor, "MoE expert capacity factor", {0.0, 1024.0, true})
        ->capture_default_str();
    cmd->add_option("--overlap", a->overlap,
                    "overlapped communication: default (dp,zero,tp-bwd,cp) | none | list of "
                    "dp,zero,tp,tp-bwd,cp,ep,pp,dp-chunks")
        ->capture_default_str();
    cmd->add_option("--grad-dtype", a->grad_dtype, "gradient buffer type: auto (parameter type)|fp32|bf16|fp16")
        ->capture_default_str();
    cmd->add_option("--grad-accum-fusion", a->grad_accum_fusion,
                    "weight-gradient GEMMs accumulate in place: on|off (off: an extra pass per micro-batch)")
        ->capture_default_str();
    cmd->add_flag("--allow-uneven", a->allow_uneven, "allow pipeline stages with unequal layer counts");
    cmd->add_flag("--parallel-block", a->parallel_block,
                  "parallel transformer block: attention and MLP on one norm's output, one TP exit per layer");
    cmd->add_option("--collective-algo", a->collective_algo, "auto|ring|tree|hierarchical")->capture_default_str();
    cmd->add_option("--memory-reserve", a->memory_reserve, "per-GPU memory outside the model (CUDA context, NCCL)")
        ->capture_default_str();
    a->gpus_per_node_opt = add_int_option(*cmd, "--gpus-per-node", a->gpus_per_node,
                                          "GPUs per node (default: the device profile's)", {1, limits::kMaxNodeGpus});
    a->nics_per_node_opt = add_int_option(*cmd, "--nics-per-node", a->nics_per_node,
                                          "NICs (rails) per node (default: one per GPU)", {1, limits::kMaxNodeGpus});
    cmd->add_option("--nic-bandwidth", a->nic_bandwidth, "per-NIC bandwidth, e.g. 200Gb/s (default: the device's)");
    cmd->add_option("--nvlink-bandwidth", a->nvlink_bandwidth, "per-GPU intra-node bandwidth, e.g. 300GB/s");
    add_int_option(*cmd, "--nodes-per-leaf", a->nodes_per_leaf, "nodes under one leaf switch per rail",
                   {1, limits::kMaxGpus})
        ->capture_default_str();
    add_real_option(*cmd, "--oversubscription", a->oversubscription,
                    "leaf-to-spine oversubscription (1 = full fat tree)", {1.0, 1024.0})
        ->capture_default_str();
    cmd->add_option("--switch-latency", a->switch_latency, "network switch latency (at most 1s)")
        ->capture_default_str();
    cmd->add_flag("--no-rail-optimized", a->no_rail_optimized, "all NICs of a node on one leaf switch");
    cmd->add_flag("--search", a->search, "enumerate layouts and rank those that fit by throughput");
    add_int_option(*cmd, "--top", a->top, "layouts to print (and re-simulate on the DAG) with --search",
                   {1, limits::kMaxTableRows})
        ->capture_default_str();
    cmd->add_option("--out", a->out, "with --search: write every valid layout to this CSV file")
        ->check(non_empty_path());
    cmd->add_flag("--explain", a->explain, "print the per-op costs of one layer");
    cmd->add_flag("--json", a->json, "print one JSON object");
    cmd->add_flag("--quiet", a->quiet, "no progress bar on stderr (shown only on a terminal, after 2 s)");
}

}  // namespace

void add_train_command(CLI::App& root) {
    auto a = std::make_shared<TrainArgs>();
    auto* cmd = root.add_subcommand("train",
                                    "simulate one training step (TP/PP/DP/CP/EP, ZeRO, recompute): step time, "
                                    "MFU, bubble, memory per GPU; --search ranks layouts");
    add_train_options(cmd, a.get());
    cmd->callback([a] { run_train(*a); });
}

OrderedJson train_json(const Json& settings, const std::string& where) {
    TrainArgs a;
    CLI::App cmd{"llmsim train", "llmsim train"};
    add_train_options(&cmd, &a);
    parse_json_args(cmd, settings, where, {"json", "quiet"});
    a.quiet = true;  // a library call draws nothing on the terminal
    OrderedJson j;
    run_train(a, &j);
    return j;
}

}  // namespace llmsim::tools
