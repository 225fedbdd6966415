// Swap preemption (vLLM v0 --preemption-mode swap): the victim's KV moves to host memory over the device's host
// link and comes back before it decodes again; both transfers are on the iteration's critical path. When host swap
// space is full the replica falls back to recompute for that victim.
#include "policies/preemption/preemption.hpp"

namespace llmsim::policies {
namespace {

class SwapPreemption final : public sim::PreemptionPolicy {
  public:
    explicit SwapPreemption(VictimChoice v) : victim_(v) {}
    [[nodiscard]] sim::PreemptMode mode() const override { return sim::PreemptMode::swap; }
    [[nodiscard]] int64_t choose_victim(const std::vector<sim::RequestState*>& running) const override {
        return policies::choose_victim(victim_, running);
    }

  private:
    VictimChoice victim_;
};

}  // namespace

std::unique_ptr<sim::PreemptionPolicy> make_swap_preemption(const PolicySpec& spec) {
    return std::make_unique<SwapPreemption>(victim_choice(spec));
}

}  // namespace llmsim::policies
