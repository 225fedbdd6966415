// The explicit table of routers: add a router by adding its file and one row here.
#include "policies/router/router.hpp"

namespace llmsim::policies {

const Registry<RouterInfo>& router_registry() {
    static const Registry<RouterInfo> registry(
        "router",
        {
            {"round-robin", "replicas in turn", make_round_robin_router, {}, {}},
            {"least-outstanding",
             "fewest outstanding requests (ties: lowest index)",
             make_least_outstanding_router,
             {},
             {}},
            {"least-tokens", "fewest outstanding prefill + output tokens", make_least_tokens_router, {}, {}},
            {"prefix-aware",
             "longest cached prefix while loads are balanced, else least tokens (SGLang cache-aware routing)",
             make_prefix_aware_router,
             {{"cache_threshold", "0.5", "route by prefix when it covers more than this fraction of the prompt"},
              {"balance_abs", "32", "loads are imbalanced when max - min outstanding requests exceeds this..."},
              {"balance_rel", "1.0001", "...and max exceeds this multiple of min"}},
             {"prefix-cache"}},
        });
    return registry;
}

std::unique_ptr<sim::Router> make_router(const std::string& spec, const std::string& where) {
    const PolicySpec parsed = router_registry().parse(spec, where);
    return router_registry().get(parsed.name(), where).factory(parsed);
}

}  // namespace llmsim::policies
