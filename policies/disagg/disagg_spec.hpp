#pragma once
// Prefill/decode disaggregation as a cluster: a prefill pool and a decode pool, each described like a colocated
// deployment (its own replicas, cost model: hardware and parallelism, scheduler, limits, KV capacity), joined by a
// KV transfer (sim/serving/kv_transfer.hpp). The router of the prefill spec routes arrivals and picks decode
// replicas (Router::route_decode).
#include "policies/cluster_spec.hpp"
#include "sim/serving/kv_transfer.hpp"

namespace llmsim::policies {

struct PoolSide {
    ClusterSpec spec;
    sim::ForwardCost* cost = nullptr;  // must outlive the run
};

struct DisaggSpec {
    PoolSide prefill;
    PoolSide decode;
    sim::KvTransferConfig transfer;
};

sim::ClusterConfig make_disagg_cluster_config(const DisaggSpec& spec);

sim::ServingRun simulate_disagg(const DisaggSpec& spec, const traces::Workload& workload,
                                sim::BatchObserver* observer = nullptr,
                                const std::vector<sim::LifecycleObserver*>& observers = {});

}  // namespace llmsim::policies
