// Round-robin: the entry replicas in turn, regardless of load.
#include "policies/router/router.hpp"

namespace llmsim::policies {
namespace {

class RoundRobinRouter final : public sim::Router {
  public:
    sim::Route route(const sim::RequestState& /*r*/, const sim::ClusterView& cluster) override {
        int32_t total = 0;
        sim::for_each_entry_replica(cluster, [&](int32_t, int32_t) { ++total; });
        const int32_t pick = next_ % total;
        next_ = (next_ + 1) % total;
        sim::Route out{-1, -1};
        int32_t k = 0;
        sim::for_each_entry_replica(cluster, [&](int32_t p, int32_t i) {
            if (k++ == pick) out = {p, i};
        });
        return out;
    }

  private:
    int32_t next_ = 0;
};

}  // namespace

std::unique_ptr<sim::Router> make_round_robin_router(const PolicySpec& /*spec*/) {
    return std::make_unique<RoundRobinRouter>();
}

}  // namespace llmsim::policies
