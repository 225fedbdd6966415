#include "tools/serving_setup.hpp"

#include <cmath>

#include "common/error.hpp"
#include "hardware/catalogue.hpp"
#include "models/presets.hpp"
#include "policies/router/router.hpp"
#include "policies/scheduler/scheduler.hpp"

namespace llmsim::tools {
namespace {

int64_t positive(const RunConfig& cfg, const std::string& key) {
    const int64_t v = cfg.integer(key);
    if (v < 1) throw UsageError(cfg.where(key), "must be >= 1, got " + std::to_string(v));
    return v;
}

}  // namespace

ServingSetup make_serving_setup(RunConfig& cfg, const hardware::DeviceSpec* device) {
    ServingSetup s;
    const models::ModelSpec model = models::resolve_model(cfg.text("model"), cfg.where("model"));
    s.device = device != nullptr ? *device : hardware::resolve_device(cfg.text("hardware"), cfg.where("hardware"));
    const bool cpu_device = s.device.kind == "cpu";
    if (cpu_device) cfg.set_default("dtype", "fp32");
    const DType dtype = parse_dtype(cfg.text("dtype"), cfg.where("dtype"));
    models::Precision prec = models::Precision::from_dtype(dtype);
    if (auto kv = cfg.opt_text("kv-dtype")) prec.kv_cache = parse_dtype(*kv, cfg.where("kv-dtype"));
    models::InferenceParallel par;
    par.tp = static_cast<int32_t>(positive(cfg, "tp"));
    par.pp = static_cast<int32_t>(positive(cfg, "pp"));
    par.ep = static_cast<int32_t>(positive(cfg, "ep"));

    const std::string scheduler = cfg.text("scheduler");
    (void)policies::make_scheduler(scheduler, {}, cfg.where("scheduler"));  // validates the name early
    (void)policies::make_router(cfg.text("router"), cfg.where("router"));
    cfg.set_default("framework-overhead", cpu_device ? "none" : scheduler == "static" ? "cpp" : "vllm-v0");
    cfg.set_default("max-model-len", model.max_position);

    sim::Deployment deployment = sim::make_deployment(model, par, prec, s.device);
    const sim::FrameworkOverhead overhead =
        sim::parse_framework_overhead(cfg.text("framework-overhead"), cfg.where("framework-overhead"));

    policies::SchedulerLimits limits;
    limits.max_batch_seqs = static_cast<int32_t>(positive(cfg, "max-batch"));
    limits.max_batch_tokens = positive(cfg, "max-batch-tokens");
    limits.chunk_size = positive(cfg, "chunk-size");
    limits.max_model_len = positive(cfg, "max-model-len");
    const int64_t pass_tokens = scheduler == "sarathi" ? limits.chunk_size : limits.max_batch_tokens;
    s.kv = sim::kv_capacity(deployment, s.device, cfg.number("gpu-memory-utilization"),
                            static_cast<int32_t>(positive(cfg, "block-size")), pass_tokens, limits.max_batch_seqs);

    s.cluster.replicas = static_cast<int32_t>(positive(cfg, "replicas"));
    s.cluster.router = cfg.text("router");
    s.cluster.scheduler = scheduler;
    s.cluster.limits = limits;
    s.cluster.kv_blocks_per_replica = s.kv.blocks;
    s.cluster.block_tokens = static_cast<int32_t>(cfg.integer("block-size"));

    s.cost = std::make_unique<sim::ForwardCost>(std::move(deployment), hardware::CostModel(s.device), overhead);

    if (auto v = cfg.opt_number("slo-ttft-ms")) {
        if (*v <= 0) throw UsageError(cfg.where("slo-ttft-ms"), "must be > 0");
        s.slo.ttft_ms = v;
    }
    if (auto v = cfg.opt_number("slo-tpot-ms")) {
        if (*v <= 0) throw UsageError(cfg.where("slo-tpot-ms"), "must be > 0");
        s.slo.tpot_ms = v;
    }

    s.workload.trace_path = cfg.opt_text("trace");
    s.workload.trace_format = cfg.text("trace-format");
    s.workload.num_requests = cfg.opt_integer("num-requests");
    if (s.workload.num_requests && *s.workload.num_requests < 1) {
        throw UsageError(cfg.where("num-requests"), "must be >= 1, got " + std::to_string(*s.workload.num_requests));
    }
    s.workload.qps = cfg.opt_number("qps");
    s.workload.arrival = cfg.opt_text("arrival");
    s.workload.lengths = cfg.opt_text("lengths");
    s.workload.workload_path = cfg.opt_text("workload");
    const int64_t seed = cfg.integer("seed");
    if (seed < 0) throw UsageError(cfg.where("seed"), "must be >= 0, got " + std::to_string(seed));
    s.workload.seed = static_cast<uint64_t>(seed);
    return s;
}

}  // namespace llmsim::tools
