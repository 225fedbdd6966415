#pragma once
// Cluster routers: pick the replica for each arriving request. One policy per file, registered in registry.cpp.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace llmsim::policies {

// What a router may see of a replica.
struct ReplicaLoad {
    int64_t outstanding_requests = 0;  // routed here and not finished
    int64_t outstanding_tokens = 0;    // prompt + output tokens of those requests not yet processed
    double kv_free_fraction = 1.0;
};

class Router {
  public:
    virtual ~Router() = default;
    virtual int32_t route(const std::vector<ReplicaLoad>& replicas) = 0;
};

struct RouterInfo {
    std::string name;
    std::string description;
    std::function<std::unique_ptr<Router>()> factory;
};

const std::vector<RouterInfo>& router_registry();
std::vector<std::string> router_names();
std::unique_ptr<Router> make_router(const std::string& name, const std::string& where = "--router");

std::unique_ptr<Router> make_round_robin_router();
std::unique_ptr<Router> make_least_outstanding_router();
std::unique_ptr<Router> make_least_tokens_router();

}  // namespace llmsim::policies
