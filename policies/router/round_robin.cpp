// Round-robin: replicas in turn, blind to load.
#include "policies/router/router.hpp"

namespace llmsim::policies {
namespace {

class RoundRobinRouter final : public Router {
  public:
    int32_t route(const std::vector<ReplicaLoad>& replicas) override {
        const auto n = static_cast<int32_t>(replicas.size());
        const int32_t pick = next_ % n;
        next_ = (next_ + 1) % n;
        return pick;
    }

  private:
    int32_t next_ = 0;
};

}  // namespace

std::unique_ptr<Router> make_round_robin_router() {
    return std::make_unique<RoundRobinRouter>();
}

}  // namespace llmsim::policies
