#pragma once
// Turns resolved `run` settings into the objects a serving simulation needs (device, deployment, cost model,
// cluster configuration, KV capacity, workload options). Shared by `llmsim run` and `llmsim bench serve`.
#include <memory>
#include <optional>

#include "hardware/device_spec.hpp"
#include "policies/cluster_spec.hpp"
#include "policies/engine/engine_preset.hpp"
#include "policies/kv/compression/kv_policy.hpp"
#include "sim/cost/forward_cost.hpp"
#include "sim/serving/kv_capacity.hpp"
#include "sim/serving/metrics.hpp"
#include "tools/run_config.hpp"
#include "traces/workload_builder.hpp"

namespace llmsim::tools {

struct ServingSetup {
    policies::EnginePreset engine;
    hardware::DeviceSpec device;
    std::unique_ptr<sim::ForwardCost> cost;
    policies::ClusterSpec cluster;
    sim::KvCapacity kv;
    sim::SloTargets slo;
    traces::WorkloadOptions workload;
    std::optional<policies::KvPolicySetup> kv_policy;  // when --kv-policy or --kv-dtype is set
};

// Validates every setting (exit-2 errors name the flag or config key) and fills derived defaults into `cfg`
// (the engine preset's scheduler, limits, KV and host-loop defaults; max-model-len from the model) so the resolved
// config records them.
// `device`, when given, is used instead of resolving the "hardware" setting (bench serve's built-in host profile).
// A CPU device (kind "cpu") defaults to fp32 and to no extra framework overhead: it is its own host, and llmsim's
// real CPU serving loop (bench serve) spends microseconds per iteration outside the kernels its profile prices.
// `engine`, when given, is used instead of resolving the "engine" setting (calibrate --serving-log's trial presets).
ServingSetup make_serving_setup(RunConfig& cfg, const hardware::DeviceSpec* device = nullptr,
                                const policies::EnginePreset* engine = nullptr);

}  // namespace llmsim::tools
