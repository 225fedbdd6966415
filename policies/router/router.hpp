#pragma once
// Routers by name: one policy per file, one row each in registry.cpp. The interface is sim/serving/router.hpp.
#include <memory>
#include <string>

#include "common/registry.hpp"
#include "sim/serving/router.hpp"

namespace llmsim::policies {

using RouterFactory = std::unique_ptr<sim::Router> (*)(const PolicySpec&);
using RouterInfo = PolicyInfo<RouterFactory>;

const Registry<RouterInfo>& router_registry();
// "NAME[:k=v,...]"; errors name `where`.
std::unique_ptr<sim::Router> make_router(const std::string& spec, const std::string& where = "--router");

std::unique_ptr<sim::Router> make_round_robin_router(const PolicySpec& spec);
std::unique_ptr<sim::Router> make_least_outstanding_router(const PolicySpec& spec);
std::unique_ptr<sim::Router> make_least_tokens_router(const PolicySpec& spec);
std::unique_ptr<sim::Router> make_prefix_aware_router(const PolicySpec& spec);

// Replica with the smallest key(load) among the entry pools (ties: first in pool, replica order).
template <typename Key>
sim::Route least_loaded(const sim::ClusterView& cluster, Key&& key) {
    sim::Route best{-1, -1};
    int64_t best_key = 0;
    sim::for_each_entry_replica(cluster, [&](int32_t p, int32_t i) {
        const int64_t k = key(cluster.load(p, i));
        if (best.pool < 0 || k < best_key) {
            best = {p, i};
            best_key = k;
        }
    });
    return best;
}

}  // namespace llmsim::policies
