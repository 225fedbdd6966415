#include "policies/cluster_spec.hpp"

#include "policies/kv/kv_managers.hpp"
#include "policies/preemption/preemption.hpp"
#include "policies/router/router.hpp"
#include "policies/scheduler/scheduler_registry.hpp"
#include "policies/specdec/specdec.hpp"
#include "sim/serving/simulated_executor.hpp"

namespace llmsim::policies {

bool ClusterSpec::swaps() const {
    return detail::spec_name(preemption) == "swap";
}

sim::PoolConfig make_pool_config(const ClusterSpec& spec, sim::ForwardCost& cost, sim::PoolRole role,
                                 const std::string& name) {
    if (spec.replicas < 1) throw UsageError("--replicas", "must be >= 1, got " + std::to_string(spec.replicas));
    // Validate every name now, so a bad one is an error before anything runs.
    (void)make_preemption(spec.preemption);
    const SchedulerFactory scheduler = scheduler_registry().get(spec.scheduler, "--scheduler").factory;

    sim::PoolConfig pool;
    pool.name = name;
    pool.role = role;
    pool.parts.hands_off = role == sim::PoolRole::prefill;
    pool.replicas = spec.replicas;
    pool.max_model_len = spec.limits.max_model_len;
    sim::ReplicaParts& parts = pool.parts;
    parts.make_scheduler = [scheduler, limits = spec.limits] { return scheduler(limits); };
    // One hash cache per pool: a cache-aware router asks every replica about every request.
    parts.make_kv = [cache = std::shared_ptr<BlockHashCache>()](const sim::KvCacheOptions& o) mutable {
        if (o.prefix_caching && cache == nullptr) cache = std::make_shared<BlockHashCache>(o.segments, o.block_tokens);
        return make_kv_manager(o, cache);
    };
    parts.make_preemption = [p = spec.preemption] { return make_preemption(p); };
    parts.make_executor = [&cost, layerwise = spec.layerwise_kv_load] {
        return std::make_unique<sim::SimulatedExecutor>(cost, layerwise);
    };
    parts.attention = models::attention_spans(cost.deployment().model, cost.deployment().kv_retention);
    parts.schedule_ahead = cost.overhead().overlapped;
    if (!spec.spec_decode.empty()) {
        const SpecDecodeSetup sd = make_spec_decode(spec.spec_decode, cost, spec.seed);
        parts.make_speculator = [sd](int32_t replica) {
            return std::make_unique<sim::SpecDecoder>(sd.config, sd.drafter.drafter, replica);
        };
    }
    parts.kv.capacity_blocks = spec.kv_blocks_per_replica;
    parts.kv.block_tokens = spec.block_tokens;
    parts.kv.block_bytes = spec.kv_block_bytes;
    parts.kv.prefix_caching = spec.prefix_caching;
    parts.kv.tiers = spec.kv_tiers;
    parts.kv.layerwise_load = spec.layerwise_kv_load;
    parts.kv.host_link_bytes_per_s = spec.host_link_bytes_per_s;
    parts.kv.retention = cost.deployment().kv_retention;
    return pool;
}

sim::ClusterConfig make_cluster_config(const ClusterSpec& spec, sim::ForwardCost& cost) {
    (void)make_router(spec.router);
    sim::ClusterConfig config;
    config.pools.push_back(make_pool_config(spec, cost, sim::PoolRole::mixed, "mixed"));
    config.front_end = spec.front_end;
    config.make_router = [r = spec.router] { return make_router(r); };
    return config;
}

sim::ServingRun simulate(const ClusterSpec& spec, sim::ForwardCost& cost, const traces::Workload& workload,
                         sim::BatchObserver* observer, const std::vector<sim::LifecycleObserver*>& observers) {
    sim::ClusterConfig config = make_cluster_config(spec, cost);
    config.observers = observers;
    return sim::run_cluster(config, workload, observer);
}

}  // namespace llmsim::policies
