// Least outstanding work in tokens: accounts for long prompts and outputs that request counts hide.
#include "policies/router/router.hpp"

namespace llmsim::policies {
namespace {

class LeastTokensRouter final : public sim::Router {
  public:
    sim::Route route(const sim::RequestState& /*r*/, const sim::ClusterView& cluster) override {
        return least_loaded(cluster, [](const sim::ReplicaLoad& l) { return l.outstanding_tokens; });
    }
};

}  // namespace

std::unique_ptr<sim::Router> make_least_tokens_router(const PolicySpec& /*spec*/) {
    return std::make_unique<LeastTokensRouter>();
}

}  // namespace llmsim::policies
