#pragma once
// The router seam: for each arriving request, a policy (policies/router/) picks the pool and replica that serves
// it. It sees the request (lengths, prompt content) and, through the ClusterView, every pool's replicas: their load
// and how much of the request's prefix each one has cached.
#include <cstdint>
#include <string>

#include "sim/serving/kv_cache.hpp"
#include "sim/serving/request_state.hpp"

namespace llmsim::sim {

// What a router may see of a replica.
struct ReplicaLoad {
    int64_t outstanding_requests = 0;  // routed here and not finished
    int64_t outstanding_tokens = 0;    // prefill tokens still to compute + output tokens still to produce
    int64_t waiting_requests = 0;      // queued, not yet running
    double kv_free_fraction = 1.0;
};

enum class PoolRole : uint8_t { mixed, prefill, decode };

class ClusterView {
  public:
    virtual ~ClusterView() = default;
    [[nodiscard]] virtual int32_t pools() const = 0;
    [[nodiscard]] virtual PoolRole role(int32_t pool) const = 0;
    [[nodiscard]] virtual int32_t replicas(int32_t pool) const = 0;
    [[nodiscard]] virtual ReplicaLoad load(int32_t pool, int32_t replica) const = 0;
    // The part of r's prompt that replica has cached (tier 0 = its device memory).
    [[nodiscard]] virtual PrefixMatch cached_prefix(int32_t pool, int32_t replica, const RequestState& r) const = 0;
    // Pools an arriving request may enter (mixed or prefill).
    [[nodiscard]] bool accepts_arrivals(int32_t pool) const { return role(pool) != PoolRole::decode; }
};

struct Route {
    int32_t pool = 0;
    int32_t replica = 0;
};

class Router {
  public:
    virtual ~Router() = default;
    virtual Route route(const RequestState& r, const ClusterView& cluster) = 0;
    // Disaggregated serving: the decode replica that takes r after its prefill. Default, for every policy: the
    // decode replica with the fewest outstanding tokens (ties: the most free KV, then the first in order), so
    // decode batches stay even and transfers go where the KV fits.
    virtual Route route_decode(const RequestState& r, const ClusterView& cluster);
};

// Calls fn(pool, replica) for every replica of the pools that accept arrivals, in pool then replica order.
template <typename Fn>
void for_each_entry_replica(const ClusterView& cluster, Fn&& fn) {
    for (int32_t p = 0; p < cluster.pools(); ++p) {
        if (!cluster.accepts_arrivals(p)) continue;
        for (int32_t i = 0; i < cluster.replicas(p); ++i)
            fn(p, i);
    }
}

}  // namespace llmsim::sim
