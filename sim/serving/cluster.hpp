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
#include "sim/serving/kv_transfer.hpp"
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

// The serving front end between the client and the engine (HTTP, tokenisation, IPC to the engine loop; then
// detokenisation and streaming back): a request reaches the scheduler ingress after the client sent it, and each
// token reaches the client egress after the engine produced it. Both are client-visible latency (TTFT, E2E), not
// engine work; a follow-up turn is sent when the client has the previous answer.
struct FrontEnd {
    double ingress_ns = 0;
    double ingress_per_prompt_token_ns = 0;
    double egress_ns = 0;
    [[nodiscard]] int64_t ingress_of(int32_t prompt_tokens) const {
        return static_cast<int64_t>(ingress_ns + ingress_per_prompt_token_ns * prompt_tokens);
    }
    [[nodiscard]] bool is_zero() const { return ingress_ns == 0 && ingress_per_prompt_token_ns == 0 && egress_ns == 0; }
};

struct ClusterConfig {
    std::vector<PoolConfig> pools;
    FrontEnd front_end;
    std::function<std::unique_ptr<Router>()> make_router;
    std::vector<LifecycleObserver*> observers;  // metrics and reports that want lifecycle events
    // Disaggregated serving (a prefill pool and a decode pool): how KV moves between them. Unused otherwise.
    KvTransferConfig kv_transfer;
};

struct ServingRun {
    std::vector<RequestState> requests;
    std::vector<ReplicaStats> replicas;  // pool by pool
    std::vector<int32_t> replica_pool;   // pool of each entry of `replicas`
    uint64_t events = 0;
    KvTransferStats kv_transfer;  // disaggregated runs
};

// Runs the workload to completion.
ServingRun run_cluster(const ClusterConfig& config, const traces::Workload& workload,
                       BatchObserver* observer = nullptr);

}  // namespace llmsim::sim
