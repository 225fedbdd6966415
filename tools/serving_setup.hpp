#pragma once
// Turns resolved `run` settings into the objects a serving simulation needs (device, deployment, cost model,
// cluster configuration, KV capacity, workload options). Shared by `llmsim run` and `llmsim bench serve`.
#include <memory>

#include "hardware/device_spec.hpp"
#include "sim/cost/forward_cost.hpp"
#include "sim/serving/cluster.hpp"
#include "sim/serving/kv_capacity.hpp"
#include "sim/serving/metrics.hpp"
#include "tools/run_config.hpp"
#include "traces/workload_builder.hpp"

namespace llmsim::tools {

struct ServingSetup {
    hardware::DeviceSpec device;
    std::unique_ptr<sim::ForwardCost> cost;
    sim::ClusterConfig cluster;
    sim::KvCapacity kv;
    sim::SloTargets slo;
    traces::WorkloadOptions workload;
};

// Validates every setting (exit-2 errors name the flag or config key) and fills derived defaults into `cfg`
// (max-model-len from the model, framework-overhead from the scheduler) so the resolved config records them.
ServingSetup make_serving_setup(RunConfig& cfg);

}  // namespace llmsim::tools
