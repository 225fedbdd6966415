// The explicit table of routers.
#include "common/error.hpp"
#include "common/nearest.hpp"
#include "policies/router/router.hpp"

namespace llmsim::policies {

const std::vector<RouterInfo>& router_registry() {
    static const std::vector<RouterInfo> registry = {
        {"round-robin", "replicas in turn", make_round_robin_router},
        {"least-outstanding", "fewest outstanding requests (ties: lowest index)", make_least_outstanding_router},
        {"least-tokens", "fewest outstanding prompt+output tokens", make_least_tokens_router},
    };
    return registry;
}

std::vector<std::string> router_names() {
    std::vector<std::string> names;
    for (const auto& r : router_registry())
        names.push_back(r.name);
    return names;
}

std::unique_ptr<Router> make_router(const std::string& name, const std::string& where) {
    for (const auto& r : router_registry()) {
        if (r.name == name) return r.factory();
    }
    throw UsageError(where, unknown_name_message("router", name, router_names()));
}

}  // namespace llmsim::policies
