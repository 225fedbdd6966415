#include "tools/serving_setup.hpp"

#include <algorithm>
#include <cmath>
#include <iostream>

#include "common/bounded.hpp"
#include "common/error.hpp"
#include "common/strings.hpp"
#include "common/units.hpp"
#include "hardware/catalogue.hpp"
#include "hardware/memory_tier.hpp"
#include "models/presets.hpp"
#include "policies/engine/engine_preset.hpp"
#include "policies/kv/compression/kv_policy.hpp"
#include "policies/preemption/preemption.hpp"
#include "policies/router/router.hpp"
#include "policies/scheduler/scheduler_registry.hpp"
#include "policies/specdec/specdec.hpp"
#include "tools/price_overrides.hpp"
#include "tools/weights_tier.hpp"

namespace llmsim::tools {
namespace {

// An integer setting within its declared range: flags and config values were checked when read, and this also holds
// the derived defaults (engine presets, the model's context) to the same bounds before they are narrowed.
int64_t positive(const RunConfig& cfg, const std::string& key) {
    return check_int_in(cfg.integer(key), cfg.where(key), setting_info(key).ints);
}

// A batching limit given on the command line that the chosen scheduler never reads would silently do nothing:
// say so (config files, including config.resolved.json, carry every key and are not warned about).
void warn_unread_limits(const RunConfig& cfg, const policies::SchedulerInfo& scheduler) {
    for (const char* key : {"max-batch", "max-batch-tokens", "chunk-size"}) {
        if (!cfg.user_set(key) || cfg.where(key) != std::string("--") + key) continue;
        if (std::find(scheduler.settings.begin(), scheduler.settings.end(), key) != scheduler.settings.end()) continue;
        std::string reads;
        for (const auto& s : scheduler.settings)
            reads += (reads.empty() ? "--" : ", --") + s;
        std::cerr << "llmsim: warning: --" << key << " has no effect with --scheduler " << scheduler.name
                  << " (it reads " << reads << ")\n";
    }
}

bool on_off(const RunConfig& cfg, const std::string& key) {
    const std::string v = cfg.text(key);
    if (v != "on" && v != "off") throw UsageError(cfg.where(key), "expected on or off, got '" + v + "'");
    return v == "on";
}

// Prefix caching, KV tiers and the host link that swaps and tier loads use.
void set_kv_options(const RunConfig& cfg, ServingSetup& s, int32_t gpus_per_replica) {
    auto& c = s.cluster;
    c.prefix_caching = on_off(cfg, "prefix-cache");
    c.kv_block_bytes = s.kv.kv_bytes_per_token_per_gpu * c.block_tokens;
    c.host_link_bytes_per_s = s.device.host.bandwidth_bytes_per_s;
    const std::string load = cfg.text("kv-tier-load");
    if (load != "serial" && load != "layerwise") {
        throw UsageError(cfg.where("kv-tier-load"), "expected serial or layerwise, got '" + load + "'");
    }
    const bool swap = c.swaps();
    if (swap && c.host_link_bytes_per_s <= 0 && !cfg.has("kv-tiers")) {
        throw UsageError(cfg.where("preemption"),
                         "swap needs a host link: the device profile has no host bandwidth "
                         "and no --kv-tiers was given");
    }
    if (!cfg.has("kv-tiers")) {
        if (load == "layerwise") throw UsageError(cfg.where("kv-tier-load"), "has no effect without --kv-tiers");
        return;
    }
    if (!c.prefix_caching && !swap) {
        throw UsageError(cfg.where("kv-tiers"),
                         "tiers hold evicted prefix blocks and swapped KV: they need "
                         "--prefix-cache on or --preemption swap");
    }
    c.layerwise_kv_load = load == "layerwise";
    // A tier's capacity is per replica; each GPU moves its own shard over its own host link, so a block costs its
    // per-GPU bytes at the tier's bandwidth, capped by the device's host link.
    const double block_bytes_per_replica = c.kv_block_bytes * gpus_per_replica;
    for (const auto& t : hardware::parse_memory_tiers(cfg.text("kv-tiers"), cfg.where("kv-tiers"), sim::kMaxKvTiers)) {
        sim::KvTier tier;
        tier.name = t.name;
        tier.capacity_blocks = static_cast<int64_t>(std::floor(t.capacity_bytes / block_bytes_per_replica));
        if (tier.capacity_blocks < 1) {
            throw UsageError(cfg.where("kv-tiers"), "tier '" + t.name + "' (" + units::format_bytes(t.capacity_bytes) +
                                                        ") is smaller than one KV block (" +
                                                        units::format_bytes(block_bytes_per_replica) + " per replica)");
        }
        tier.bandwidth_bytes_per_s = c.host_link_bytes_per_s > 0
                                         ? std::min(t.bandwidth_bytes_per_s, c.host_link_bytes_per_s)
                                         : t.bandwidth_bytes_per_s;
        c.kv_tiers.push_back(tier);
    }
}

// Prefix caching shares whole prompt blocks; a policy that drops or merges tokens (or keeps a 16-bit residual window
// per request) has none to share, so it is off under one unless asked for, which is an error.
void forbid_prefix_cache_under_kv_policy(RunConfig& cfg, const models::ModelSpec& model) {
    std::string flag;
    if (cfg.has("kv-policy")) {
        flag = "kv-policy";
    } else if (cfg.has("kv-dtype") &&
               policies::parse_kv_format(cfg.text("kv-dtype"), model.head_dim, cfg.where("kv-dtype")).residual_tokens >
                   0) {
        flag = "kv-dtype";
    }
    if (flag.empty()) return;
    if (cfg.user_set("prefix-cache") && cfg.text("prefix-cache") == "on") {
        throw UsageError(cfg.where(flag), "'" + cfg.text(flag) +
                                              "' cannot be combined with --prefix-cache on (the policy drops or "
                                              "merges tokens, so no prompt blocks can be shared)");
    }
    cfg.set_default("prefix-cache", "off");
}

// The engine's choices become the defaults of the settings the user did not give, so config.resolved.json records
// what ran and an explicit flag always wins.
void apply_engine_defaults(RunConfig& cfg, const policies::EnginePreset& engine, const hardware::DeviceSpec& device,
                           DType dtype) {
    const policies::EngineLimitRow& limits = engine.limits_for(device.id, device.memory_bytes);
    cfg.set_default("scheduler", engine.scheduler);
    cfg.set_default("max-batch", limits.max_num_seqs);
    cfg.set_default("max-batch-tokens", limits.max_num_batched_tokens);
    cfg.set_default("chunk-size", limits.token_budget());
    cfg.set_default("block-size", engine.block_size);
    cfg.set_default("prefix-cache", engine.prefix_caching ? "on" : "off");
    cfg.set_default("gpu-memory-utilization", engine.gpu_memory_utilization);
    const models::Precision implied = models::Precision::from_dtype(dtype);
    if (engine.kv_dtype == policies::KvDtypeRule::fp8_with_fp8_weights && implied.weights == DType::fp8) {
        cfg.set_default("kv-dtype", "fp8");
    } else if (engine.kv_dtype == policies::KvDtypeRule::activations && implied.kv_cache != implied.activations) {
        cfg.set_default("kv-dtype", std::string(dtype_name(implied.activations)));
    }
}

}  // namespace

ServingSetup make_serving_setup(RunConfig& cfg, const hardware::DeviceSpec* device,
                                const policies::EnginePreset* engine) {
    ServingSetup s;
    const models::ModelSpec model = models::resolve_model(cfg.text("model"), cfg.where("model"));
    s.device = device != nullptr ? *device : hardware::resolve_device(cfg.text("hardware"), cfg.where("hardware"));
    if (auto prices = cfg.opt_text("price")) {
        apply_price_overrides(s.device, parse_price_overrides(*prices, cfg.where("price")), cfg.where("price"));
    }
    const bool cpu_device = s.device.kind == "cpu";
    if (cpu_device) cfg.set_default("dtype", "fp32");
    const DType dtype = parse_dtype(cfg.text("dtype"), cfg.where("dtype"));
    // A CPU is its own host: the GPU engines' presets do not describe llmsim's CPU loop, whose kernels are the
    // profile's and whose host work is measured apart (bench serve); it runs as the plain Sarathi loop.
    if (cpu_device) cfg.set_default("engine", "vllm-v0");
    s.engine = engine != nullptr ? *engine : policies::resolve_engine(cfg.text("engine"), cfg.where("engine"));
    const bool kv_policy_given = cfg.user_set("kv-policy") || cfg.user_set("kv-dtype");
    apply_engine_defaults(cfg, s.engine, s.device, dtype);
    forbid_prefix_cache_under_kv_policy(cfg, model);
    models::Precision prec = models::Precision::from_dtype(dtype);
    cfg.set_default("max-model-len", model.max_position);
    policies::KvPolicySetup kv_policy =
        policies::make_kv_policy(cfg.opt_text("kv-policy"), cfg.where("kv-policy"), cfg.opt_text("kv-dtype"),
                                 cfg.where("kv-dtype"), model, positive(cfg, "max-model-len"), prec);
    models::InferenceParallel par;
    par.tp = static_cast<int32_t>(positive(cfg, "tp"));
    par.pp = static_cast<int32_t>(positive(cfg, "pp"));
    par.ep = static_cast<int32_t>(positive(cfg, "ep"));

    const std::string scheduler = cfg.text("scheduler");
    warn_unread_limits(cfg, policies::scheduler_registry().get(scheduler, cfg.where("scheduler")));
    (void)policies::make_router(cfg.text("router"), cfg.where("router"));
    (void)policies::make_preemption(cfg.text("preemption"), cfg.where("preemption"));
    cfg.set_default("framework-overhead", cpu_device ? "none" : "engine");

    sim::Deployment deployment = sim::make_deployment(model, par, prec, s.device);
    deployment.kv_retention = kv_policy.retention;
    std::optional<sim::FlashWeights> flash;
    if (auto spec = cfg.opt_text("weights-tier")) {
        const std::string w = cfg.where("weights-tier");
        flash.emplace(make_flash_weights(*spec, w, starts_with(w, "--") ? ErrorKind::usage : ErrorKind::input, model,
                                         prec, par, s.device));
        deployment.resident_weight_bytes = flash->plan().resident_bytes();
    }
    if (kv_policy_given) s.kv_policy = std::move(kv_policy);
    const std::string overhead_text = cfg.text("framework-overhead");
    const sim::FrameworkOverhead overhead =
        overhead_text == "engine" ? s.engine.host
                                  : sim::parse_framework_overhead(overhead_text, cfg.where("framework-overhead"));

    sim::SchedulerLimits limits;
    limits.max_batch_seqs = static_cast<int32_t>(positive(cfg, "max-batch"));
    limits.max_batch_tokens = positive(cfg, "max-batch-tokens");
    limits.chunk_size = positive(cfg, "chunk-size");
    limits.max_model_len = positive(cfg, "max-model-len");

    s.cost = std::make_unique<sim::ForwardCost>(std::move(deployment), hardware::CostModel(s.device), overhead,
                                                s.engine.kernels);
    if (flash) s.cost->set_flash_weights(std::move(*flash));
    const int64_t seed = positive(cfg, "seed");
    sim::DrafterMemory drafter;
    if (auto sd = cfg.opt_text("spec-decode")) {
        const policies::SpecDecodeSetup spec =
            policies::make_spec_decode(*sd, *s.cost, static_cast<uint64_t>(seed), cfg.where("spec-decode"));
        drafter = {spec.drafter.weight_bytes_per_gpu, spec.drafter.kv_bytes_per_token_per_gpu};
        s.cluster.spec_decode = *sd;
        s.cluster.seed = static_cast<uint64_t>(seed);
    }
    const int64_t pass_tokens = scheduler == "sarathi" ? limits.chunk_size : limits.max_batch_tokens;
    s.kv = sim::kv_capacity(s.cost->deployment(), s.device, cfg.number("gpu-memory-utilization"),
                            static_cast<int32_t>(positive(cfg, "block-size")), pass_tokens, limits.max_batch_seqs,
                            drafter);

    s.cluster.replicas = static_cast<int32_t>(positive(cfg, "replicas"));
    s.cluster.router = cfg.text("router");
    s.cluster.scheduler = scheduler;
    s.cluster.limits = limits;
    s.cluster.kv_blocks_per_replica = s.kv.blocks;
    s.cluster.block_tokens = static_cast<int32_t>(positive(cfg, "block-size"));
    s.cluster.preemption = cfg.text("preemption");
    set_kv_options(cfg, s, par.gpus());
    s.cluster.front_end = cpu_device ? sim::FrontEnd{} : s.engine.front_end;

    if (auto v = cfg.opt_number("slo-ttft-ms")) {
        s.slo.ttft_ms = v;
    }
    if (auto v = cfg.opt_number("slo-tpot-ms")) {
        s.slo.tpot_ms = v;
    }

    s.workload.trace_path = cfg.opt_text("trace");
    s.workload.trace_format = cfg.text("trace-format");
    s.workload.num_requests = cfg.opt_integer("num-requests");
    s.workload.qps = cfg.opt_number("qps");
    s.workload.arrival = cfg.opt_text("arrival");
    s.workload.lengths = cfg.opt_text("lengths");
    s.workload.workload_path = cfg.opt_text("workload");
    s.workload.seed = static_cast<uint64_t>(seed);
    return s;
}

}  // namespace llmsim::tools
