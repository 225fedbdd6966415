// Recompute preemption (vLLM's default): the victim's KV is dropped; it prefills prompt + generated tokens again.
#include "policies/preemption/preemption.hpp"

namespace llmsim::policies {
namespace {

class RecomputePreemption final : public sim::PreemptionPolicy {
  public:
    explicit RecomputePreemption(VictimChoice v) : victim_(v) {}
    [[nodiscard]] sim::PreemptMode mode() const override { return sim::PreemptMode::recompute; }
    [[nodiscard]] int64_t choose_victim(const std::vector<sim::RequestState*>& running) const override {
        return policies::choose_victim(victim_, running);
    }

  private:
    VictimChoice victim_;
};

}  // namespace

std::unique_ptr<sim::PreemptionPolicy> make_recompute_preemption(const PolicySpec& spec) {
    return std::make_unique<RecomputePreemption>(victim_choice(spec));
}

}  // namespace llmsim::policies
