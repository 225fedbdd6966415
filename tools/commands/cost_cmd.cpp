// llmsim cost: explain the cost of one forward pass op by op (FLOPs, bytes, bound, time).
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <cmath>
#include <iostream>
#include <optional>

#include "common/error.hpp"
#include "common/limits.hpp"
#include "common/units.hpp"
#include "hardware/catalogue.hpp"
#include "models/presets.hpp"
#include "policies/engine/engine_preset.hpp"
#include "policies/kv/compression/kv_policy.hpp"
#include "sim/cost/forward_cost.hpp"
#include "tools/commands/commands.hpp"
#include "tools/commands/json_api.hpp"
#include "tools/json_args.hpp"
#include "tools/typed_options.hpp"
#include "tools/weights_tier.hpp"

namespace llmsim::tools {
namespace {

struct CostArgs {
    std::string model = "llama-2-7b";
    std::string hardware = "a100-sxm-80gb";
    std::string dtype;  // default: fp16, or fp32 on a CPU (as llmsim run)
    std::string kv_dtype;
    std::string kv_policy;
    int32_t tp = 1;
    int32_t pp = 1;
    int32_t ep = 1;
    int64_t prefill_tokens = 0;
    int64_t context_tokens = -1;
    int64_t decode_batch = 0;
    std::string framework_overhead = "none";
    std::string engine = policies::kDefaultEngine;
    std::string weights_tier;
    bool json = false;
    CLI::Option* context_opt = nullptr;  // whether --context-tokens was given
};

std::string_view scope_name(models::OpScope s) {
    switch (s) {
        case models::OpScope::per_layer:
            return "per_layer";
        case models::OpScope::first_stage:
            return "once_first_stage";
        case models::OpScope::last_stage:
            return "once_last_stage";
        case models::OpScope::stage_boundary:
            return "per_stage_boundary";
    }
    return "?";
}

// Prints the table, or with --json the JSON object; with `json_out`, stores the JSON object there instead.
void run_cost(CostArgs a, OrderedJson* json_out = nullptr) {
    const bool context_given = a.context_opt->count() > 0;
    const models::ModelSpec model = models::resolve_model(a.model, "--model");
    const hardware::DeviceSpec device = hardware::resolve_device(a.hardware, "--hardware");
    if (a.dtype.empty()) a.dtype = device.kind == "cpu" ? "fp32" : "fp16";
    models::Precision prec = models::Precision::from_dtype(parse_dtype(a.dtype, "--dtype"));
    auto given = [](const std::string& t) { return t.empty() ? std::nullopt : std::optional<std::string>(t); };
    // A token budget must fit the longest request the model takes.
    const policies::KvPolicySetup kv_policy = policies::make_kv_policy(
        given(a.kv_policy), "--kv-policy", given(a.kv_dtype), "--kv-dtype", model, model.max_position, prec);
    models::InferenceParallel par{a.tp, a.pp, a.ep};
    sim::Deployment dep = sim::make_deployment(model, par, prec, device);
    dep.kv_retention = kv_policy.retention;
    const sim::FrameworkOverhead overhead = sim::parse_framework_overhead(a.framework_overhead, "--framework-overhead");

    models::BatchShape batch;
    batch.set_spans(models::attention_spans(model, kv_policy.retention));
    const int64_t context = context_given ? a.context_tokens : 0;
    if (context_given && a.context_tokens < 0) {
        throw UsageError("--context-tokens", "must be >= 0, got " + std::to_string(a.context_tokens));
    }
    if (a.prefill_tokens > 0 && a.decode_batch > 0) {
        throw UsageError("--prefill-tokens", "give either --prefill-tokens or --decode-batch, not both");
    }
    if (a.prefill_tokens > 0) {
        batch.add_prefill_chunk(context, a.prefill_tokens, true);
    } else if (a.decode_batch > 0) {
        if (!context_given)
            throw UsageError("--context-tokens", "required with --decode-batch (tokens already cached per sequence)");
        for (int64_t i = 0; i < a.decode_batch; ++i)
            batch.add_decode(context);
    } else {
        throw UsageError(
            "--prefill-tokens",
            "give --prefill-tokens N [--context-tokens N] or --decode-batch N --context-tokens N (N >= 1)");
    }
    // The engine decides how kernels run (CUDA graphs, fused-kernel bandwidth, GQA-packed decode, all-reduce).
    const policies::EnginePreset engine = policies::resolve_engine(a.engine, "--engine");
    sim::ForwardCost cost(dep, hardware::CostModel(device), overhead, engine.kernels);
    if (!a.weights_tier.empty()) {
        cost.set_flash_weights(
            make_flash_weights(a.weights_tier, "--weights-tier", ErrorKind::usage, model, prec, par, device));
    }
    const sim::ForwardBreakdown b = cost.breakdown(batch);
    // How many of the model's layers run each per-layer op (they differ for dense/MoE and local/global layers).
    const models::StageLayers whole{model.num_layers, model.moe_layers_in(0, model.num_layers),
                                    model.local_attention_layers_in(0, model.num_layers)};
    auto layers_of = [&](const models::Op& op) {
        return op.scope == models::OpScope::per_layer ? models::layers_running(op.layers, whole) : 0;
    };

    if (a.json || json_out != nullptr) {
        OrderedJson j;
        OrderedJson ops = OrderedJson::array();
        for (const auto& o : b.ops) {
            OrderedJson e;
            e["name"] = std::string(o.op.name);
            e["flops"] = o.op.flops;
            e["bytes"] = o.op.bytes;
            e["bound"] = std::string(hardware::bound_name(o.cost.bound));
            e["time_ms"] = o.cost.time_ns * 1e-6;
            e["op_class"] = std::string(op_class_name(o.op.op_class));
            e["scope"] = std::string(scope_name(o.op.scope));
            e["kernels"] = o.op.kernels;
            if (o.op.scope == models::OpScope::per_layer) {
                e["layers"] = layers_of(o.op);
                e["layer_kind"] = std::string(models::op_layers_name(o.op.layers));
            }
            if (o.op.op_class == OpClass::gemm) e["shape"] = {{"m", o.op.m}, {"n", o.op.n}, {"k", o.op.k}};
            e["compute_ms"] = o.cost.compute_ns * 1e-6;
            e["memory_ms"] = o.cost.memory_ns * 1e-6;
            e["comm_ms"] = o.cost.comm_ns * 1e-6;
            e["overhead_ms"] = o.cost.overhead_ns * 1e-6;
            ops.push_back(e);
        }
        j["ops"] = ops;
        j["layer_time_ms"] = b.layer_time_ns * 1e-6;
        j["layers"] = model.num_layers;
        j["stage_time_ms"] = OrderedJson::array();
        for (double s : b.stage_time_ns)
            j["stage_time_ms"].push_back(s * 1e-6);
        j["forward_time_ms"] = b.forward_time_ns * 1e-6;
        j["framework_overhead_ms"] = b.framework_overhead_ns * 1e-6;
        if (const sim::FlashWeights* flash = cost.flash_weights()) {
            j["weight_load_ms"] = b.weight_load_ns * 1e-6;
            j["weights_tier"] = flash_weights_json(*flash);
            j["weights_tier"]["flash_bytes_this_pass"] = flash->plan().load_bytes(batch.total_tokens());
        }
        j["total_time_ms"] = b.total_time_ns * 1e-6;
        j["model"] = model.id;
        j["hardware"] = device.id;
        j["tp"] = a.tp;
        j["pp"] = a.pp;
        j["dtype"] = a.dtype;
        if (!a.kv_policy.empty() || !a.kv_dtype.empty()) {
            const auto f = models::memory_footprint(model, dep.shard, par, prec);
            const int64_t tokens = std::max<int64_t>(1, context + std::max<int64_t>(a.prefill_tokens, 1));
            const auto e = policies::kv_policy_effect(kv_policy, f.kv_bytes_per_token_per_gpu, prec.kv_bytes(), tokens);
            OrderedJson kv;
            kv["name"] = kv_policy.name;
            kv["bytes_per_token_effective"] = e.bytes_per_token_effective;
            kv["bytes_per_token_fp16"] = e.bytes_per_token_fp16;
            kv["compression_ratio"] = e.compression_ratio;
            kv["reference_context_tokens"] = tokens;
            kv["attention_read_tokens_per_seq"] = kv_policy.retention.read_tokens(tokens);
            kv["quality"] = "not modelled";
            j["kv_policy"] = kv;
        }
        if (json_out != nullptr) {
            *json_out = std::move(j);
            return;
        }
        std::cout << j.dump() << "\n";
        return;
    }
    std::cout << fmt::format("llmsim cost: {} on {} (tp={} pp={} {}), {}\n\n", model.id, device.id, a.tp, a.pp, a.dtype,
                             a.prefill_tokens > 0
                                 ? fmt::format("prefill {} tokens over {} cached", a.prefill_tokens, context)
                                 : fmt::format("decode batch {} at context {}", a.decode_batch, context));
    std::cout << fmt::format("  {:<16} {:>12} {:>12} {:>9} {:>10}  {}\n", "op", "GFLOP", "MB", "bound", "time us",
                             "scope");
    for (const auto& o : b.ops) {
        const std::string kind =
            o.op.layers == models::OpLayers::all
                ? std::string()
                : fmt::format(" ({} layers: {})", models::op_layers_name(o.op.layers), layers_of(o.op));
        std::cout << fmt::format("  {:<16} {:>12.3f} {:>12.3f} {:>9} {:>10.2f}  {}{}\n", o.op.name, o.op.flops * 1e-9,
                                 o.op.bytes * 1e-6, hardware::bound_name(o.cost.bound), o.cost.time_ns * 1e-3,
                                 scope_name(o.op.scope), kind);
    }
    std::cout << fmt::format("\n  one layer       {:.3f} ms  x {} layers{}\n", b.layer_time_ns * 1e-6, model.num_layers,
                             model.mixes_mlp_layers() || model.mixes_attention_layers() ? " (mean layer)" : "");
    std::cout << fmt::format("  forward pass    {:.3f} ms\n", b.forward_time_ns * 1e-6);
    std::cout << fmt::format("  framework       {:.3f} ms ({})\n", b.framework_overhead_ns * 1e-6, overhead.name);
    if (const sim::FlashWeights* flash = cost.flash_weights()) {
        std::cout << fmt::format("  flash weights   {:.3f} ms ({} read at {} in {} chunks; {:.1f}% of weights resident)\n",
                                 b.weight_load_ns * 1e-6,
                                 units::format_bytes(flash->plan().load_bytes(batch.total_tokens())),
                                 units::format_bytes_per_s(flash->read_bytes_per_s()),
                                 units::format_bytes(flash->plan().chunk_bytes()),
                                 100 * flash->plan().resident_fraction());
    }
    std::cout << fmt::format("  total           {:.3f} ms\n", b.total_time_ns * 1e-6);
    if (!a.kv_policy.empty() || !a.kv_dtype.empty()) {
        const int64_t tokens = std::max<int64_t>(1, context + std::max<int64_t>(a.prefill_tokens, 1));
        std::cout << fmt::format("  kv policy       {} (each sequence reads {} of {} tokens; quality not modelled)\n",
                                 kv_policy.name, kv_policy.retention.read_tokens(tokens), tokens);
    }
}

void add_cost_options(CLI::App* cmd, CostArgs* a) {
    cmd->add_option("--model", a->model, "model preset id or Hugging Face config.json path");
    cmd->add_option("--hardware", a->hardware, "hardware preset id/alias or profile JSON path");
    cmd->add_option("--dtype", a->dtype, "fp16 | bf16 | fp8 | fp4 | int8 | int4 (default fp16; fp32 on a CPU)");
    cmd->add_option("--kv-dtype", a->kv_dtype,
                    "KV-cache dtype: fp16 | bf16 | fp8 | int8 | int4 | int2[:group=N,residual=R,outliers=F] "
                    "(default: follows --dtype)");
    cmd->add_option("--kv-policy", a->kv_policy,
                    "KV eviction/compression: streaming | h2o | scissorhands | duo | razor | minicache [:k=v,...]");
    const IntRange degree{1, limits::kMaxParallelDegree};
    const IntRange tokens{0, limits::kMaxTokens};
    add_int_option(*cmd, "--tp", a->tp, "tensor parallel degree", degree);
    add_int_option(*cmd, "--pp", a->pp, "pipeline stages", degree);
    add_int_option(*cmd, "--ep", a->ep, "expert parallel degree", degree);
    add_int_option(*cmd, "--prefill-tokens", a->prefill_tokens, "new prompt tokens in the pass", tokens);
    a->context_opt =
        add_int_option(*cmd, "--context-tokens", a->context_tokens, "tokens already cached per sequence", tokens);
    add_int_option(*cmd, "--decode-batch", a->decode_batch, "sequences decoding one token each",
                   {0, limits::kMaxBatchSeqs});
    cmd->add_option("--framework-overhead", a->framework_overhead,
                    "add host overhead: none (default) | vllm-v0 | cpp | FIXED_US[:PER_SEQ_US[:PER_TOKEN_US]]");
    cmd->add_option(
        "--engine", a->engine,
        "engine whose kernel execution prices the pass (CUDA-graph padding, fused-kernel bandwidth, "
        "GQA-packed decode, all-reduce): vllm (default) | vllm-v0 (kernels as profiled) | sglang | trtllm | "
        "lmdeploy | PATH.json");
    cmd->add_option("--weights-tier", a->weights_tier,
                    "weights beyond a memory budget stream from flash: flash:dram=SIZE[,read=m1-max|pm9a3|RATE|CURVE.json,"
                    "load=sparse|naive,sparsity=F,window=K,bundle=on|off] (docs/flash-weights.md)");
    cmd->add_flag("--json", a->json, "print one JSON object");
}

}  // namespace

void add_cost_command(CLI::App& root) {
    auto a = std::make_shared<CostArgs>();
    CLI::App* cmd = root.add_subcommand("cost", "cost of one forward pass, op by op (FLOPs, bytes, bound, time)");
    add_cost_options(cmd, a.get());
    cmd->callback([a]() { run_cost(*a); });
}

OrderedJson cost_json(const Json& settings, const std::string& where) {
    CostArgs a;
    CLI::App cmd{"llmsim cost", "llmsim cost"};
    add_cost_options(&cmd, &a);
    parse_json_args(cmd, settings, where, {"json"});
    OrderedJson j;
    run_cost(a, &j);
    return j;
}

}  // namespace llmsim::tools
