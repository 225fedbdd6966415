// Prefix-aware routing (SGLang router's cache-aware policy): while the replicas' loads are balanced, send a request
// to the replica holding the longest cached prefix of its prompt if that covers more than cache_threshold of it,
// else to the least-loaded replica (in tokens); when the loads are imbalanced (max - min > balance_abs and
// max > balance_rel x min, outstanding requests), to the least-loaded replica. Each replica's KV cache manager
// answers the prefix lookup, so the router sees exactly what the replicas hold.
#include "policies/router/router.hpp"

namespace llmsim::policies {
namespace {

class PrefixAwareRouter final : public sim::Router {
  public:
    explicit PrefixAwareRouter(const PolicySpec& spec)
        : cache_threshold_(spec.number("cache_threshold", 0.0, 1.0)),
          balance_abs_(spec.integer("balance_abs", 0, 1'000'000'000)),
          balance_rel_(spec.number("balance_rel", 1.0, 1e9)) {}

    sim::Route route(const sim::RequestState& r, const sim::ClusterView& cluster) override {
        int64_t min_load = -1;
        int64_t max_load = 0;
        sim::for_each_entry_replica(cluster, [&](int32_t p, int32_t i) {
            const int64_t l = cluster.load(p, i).outstanding_requests;
            if (min_load < 0 || l < min_load) min_load = l;
            if (l > max_load) max_load = l;
        });
        const auto least = least_loaded(cluster, [](const sim::ReplicaLoad& l) { return l.outstanding_tokens; });
        const bool imbalanced = max_load - min_load > balance_abs_ &&
                                static_cast<double>(max_load) > balance_rel_ * static_cast<double>(min_load);
        if (imbalanced) return least;
        sim::Route best{-1, -1};
        int64_t best_tokens = 0;
        sim::for_each_entry_replica(cluster, [&](int32_t p, int32_t i) {
            const int64_t t = cluster.cached_prefix(p, i, r).tokens;
            if (t > best_tokens) {
                best = {p, i};
                best_tokens = t;
            }
        });
        const double match = r.prompt_tokens > 0 ? static_cast<double>(best_tokens) / r.prompt_tokens : 0.0;
        return best.pool >= 0 && match > cache_threshold_ ? best : least;
    }

  private:
    double cache_threshold_;
    int64_t balance_abs_;
    double balance_rel_;
};

}  // namespace

std::unique_ptr<sim::Router> make_prefix_aware_router(const PolicySpec& spec) {
    return std::make_unique<PrefixAwareRouter>(spec);
}

}  // namespace llmsim::policies
