#pragma once
// A cluster of pools behind a router, fed by a workload's arrivals (one chained arrival event at a time, so a million
// requests never sit in the event queue at once). Each pool has its own replicas, hardware and parallelism (through
// its executor), scheduler, limits and KV cache manager; colocated serving is one mixed pool.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "sim/engine/engine.hpp"
#include "sim/serving/batch_observer.hpp"
#include "sim/serving/replica.hpp"
#include "sim/serving/request_lifecycle.hpp"
#include "sim/serving/router.hpp"
#include "traces/workload.hpp"

namespace llmsim::sim {

struct PoolConfig {
    std::string name = "mixed";
    PoolRole role = PoolRole::mixed;
    int32_t replicas = 1;
    int64_t max_model_len = 0;  // prompt + output tokens a request may have here (0: no limit)
    ReplicaParts parts;
};

struct ClusterConfig {
    std::vector<PoolConfig> pools;
    std::function<std::unique_ptr<Router>()> make_router;
    std::vector<LifecycleObserver*> observers;  // metrics and reports that want lifecycle events
};

struct ServingRun {
    std::vector<RequestState> requests;
    std::vector<ReplicaStats> replicas;  // pool by pool
    std::vector<int32_t> replica_pool;   // pool of each entry of `replicas`
    uint64_t events = 0;
};

// Runs the workload to completion.
ServingRun run_cluster(const ClusterConfig& config, const traces::Workload& workload,
                       BatchObserver* observer = nullptr);

}  // namespace llmsim::sim
