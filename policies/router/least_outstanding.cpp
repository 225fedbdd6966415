// Least outstanding requests (join-the-shortest-queue); ties go to the lowest replica index.
#include "policies/router/router.hpp"

namespace llmsim::policies {
namespace {

class LeastOutstandingRouter final : public Router {
  public:
    int32_t route(const std::vector<ReplicaLoad>& replicas) override {
        int32_t best = 0;
        for (int32_t i = 1; i < static_cast<int32_t>(replicas.size()); ++i) {
            if (replicas[i].outstanding_requests < replicas[best].outstanding_requests) best = i;
        }
        return best;
    }
};

}  // namespace

std::unique_ptr<Router> make_least_outstanding_router() {
    return std::make_unique<LeastOutstandingRouter>();
}

}  // namespace llmsim::policies
