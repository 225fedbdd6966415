#pragma once
// From policy names to a runnable cluster: today's deployments are one mixed pool of identical replicas. The CLI
// (tools/serving_setup) and the tests describe a cluster this way; make_cluster_config() turns the names into the
// factories of sim::ClusterConfig, and simulate() runs it with the cost-model executor.
#include <string>
#include <vector>

#include "sim/cost/forward_cost.hpp"
#include "sim/serving/cluster.hpp"
#include "sim/serving/kv_cache.hpp"
#include "sim/serving/scheduler.hpp"
#include "sim/serving/serving_defaults.hpp"

namespace llmsim::policies {

struct ClusterSpec {
    int32_t replicas = 1;
    std::string router = "round-robin";  // NAME[:k=v,...]
    std::string scheduler = "sarathi";
    std::string preemption = "recompute";  // NAME[:k=v,...]
    sim::SchedulerLimits limits;
    int64_t kv_blocks_per_replica = 0;
    int32_t block_tokens = sim::defaults::block_tokens;
    bool prefix_caching = false;
    std::vector<sim::KvTier> kv_tiers;  // below HBM, fastest first
    bool layerwise_kv_load = false;
    double kv_block_bytes = 0;         // per GPU: what one block costs to move
    double host_link_bytes_per_s = 0;  // device <-> host (swap space without tiers)
    sim::FrontEnd front_end;           // client <-> engine latency of the serving front end
    std::string spec_decode;           // speculative decoding NAME[:k=v,...]; empty: off
    uint64_t seed = 0;                 // run seed (speculative acceptance draws)

    // Whether preemption swaps KV to host memory (the policy named by `preemption` is "swap").
    [[nodiscard]] bool swaps() const;
};

// One pool of `spec.replicas` replicas running on `cost` (a prefill pool hands requests off after their prefill).
sim::PoolConfig make_pool_config(const ClusterSpec& spec, sim::ForwardCost& cost, sim::PoolRole role,
                                 const std::string& name);

// Validates the names (UsageErrors name --router, --scheduler, --preemption) and builds the factories; `cost` must
// outlive the run.
sim::ClusterConfig make_cluster_config(const ClusterSpec& spec, sim::ForwardCost& cost);

sim::ServingRun simulate(const ClusterSpec& spec, sim::ForwardCost& cost, const traces::Workload& workload,
                         sim::BatchObserver* observer = nullptr,
                         const std::vector<sim::LifecycleObserver*>& observers = {});

}  // namespace llmsim::policies
