#include "policies/disagg/disagg_spec.hpp"

#include "common/error.hpp"
#include "policies/router/router.hpp"

namespace llmsim::policies {

sim::ClusterConfig make_disagg_cluster_config(const DisaggSpec& spec) {
    LLMSIM_ASSERT(spec.prefill.cost != nullptr && spec.decode.cost != nullptr, "each pool needs its cost model");
    (void)make_router(spec.prefill.spec.router);
    sim::ClusterConfig config;
    config.pools.push_back(make_pool_config(spec.prefill.spec, *spec.prefill.cost, sim::PoolRole::prefill, "prefill"));
    config.pools.push_back(make_pool_config(spec.decode.spec, *spec.decode.cost, sim::PoolRole::decode, "decode"));
    config.front_end = spec.prefill.spec.front_end;
    config.make_router = [r = spec.prefill.spec.router] { return make_router(r); };
    config.kv_transfer = spec.transfer;
    return config;
}

sim::ServingRun simulate_disagg(const DisaggSpec& spec, const traces::Workload& workload, sim::BatchObserver* observer,
                                const std::vector<sim::LifecycleObserver*>& observers) {
    sim::ClusterConfig config = make_disagg_cluster_config(spec);
    config.observers = observers;
    return sim::run_cluster(config, workload, observer);
}

}  // namespace llmsim::policies
