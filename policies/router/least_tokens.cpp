// Least outstanding work in tokens: accounts for long prompts and outputs that request counts hide.
#include "policies/router/router.hpp"

namespace llmsim::policies {
namespace {

class LeastTokensRouter final : public Router {
  public:
    int32_t route(const std::vector<ReplicaLoad>& replicas) override {
        int32_t best = 0;
        for (int32_t i = 1; i < static_cast<int32_t>(replicas.size()); ++i) {
            if (replicas[i].outstanding_tokens < replicas[best].outstanding_tokens) best = i;
        }
        return best;
    }
};

}  // namespace

std::unique_ptr<Router> make_least_tokens_router() {
    return std::make_unique<LeastTokensRouter>();
}

}  // namespace llmsim::policies
