// Fewest outstanding requests (ties: lowest index), as most load balancers in front of vLLM do.
#include "policies/router/router.hpp"

namespace llmsim::policies {
namespace {

class LeastOutstandingRouter final : public sim::Router {
  public:
    sim::Route route(const sim::RequestState& /*r*/, const sim::ClusterView& cluster) override {
        return least_loaded(cluster, [](const sim::ReplicaLoad& l) { return l.outstanding_requests; });
    }
};

}  // namespace

std::unique_ptr<sim::Router> make_least_outstanding_router(const PolicySpec& /*spec*/) {
    return std::make_unique<LeastOutstandingRouter>();
}

}  // namespace llmsim::policies
