#pragma once
// A cluster of identical replicas behind a router, fed by a workload's arrivals (one chained arrival event at a
// time, so a million requests never sit in the event queue at once).
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "policies/router/router.hpp"
#include "policies/scheduler/scheduler.hpp"
#include "sim/cost/forward_cost.hpp"
#include "sim/engine/engine.hpp"
#include "sim/serving/batch_observer.hpp"
#include "sim/serving/metrics.hpp"
#include "sim/serving/replica.hpp"
#include "traces/workload.hpp"

namespace llmsim::sim {

struct ClusterConfig {
    int32_t replicas = 1;
    std::string router = "round-robin";
    std::string scheduler = "sarathi";
    policies::SchedulerLimits limits;
    int64_t kv_blocks_per_replica = 0;
    int32_t block_tokens = 16;
};

struct ServingRun {
    std::vector<RequestState> requests;
    std::vector<ReplicaStats> replicas;
    uint64_t events = 0;
};

// Runs the workload to completion. `cost` is shared by all replicas (they are identical), so its memo is too.
ServingRun run_cluster(const ClusterConfig& config, ForwardCost& cost, const traces::Workload& workload,
                       BatchObserver* observer = nullptr);

}  // namespace llmsim::sim
