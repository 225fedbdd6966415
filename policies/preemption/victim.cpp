// Victim choice: `newest` is vLLM's (the last admitted request has the lowest priority); `most-kv` frees the most
// memory per preemption (fewer preemptions, but it hits long requests).
#include "policies/preemption/preemption.hpp"

namespace llmsim::policies {
namespace {

class VictimPolicy final : public sim::PreemptionPolicy {
  public:
    VictimPolicy(sim::PreemptMode mode, VictimChoice victim) : mode_(mode), victim_(victim) {}
    [[nodiscard]] sim::PreemptMode mode() const override { return mode_; }
    [[nodiscard]] int64_t choose_victim(const std::vector<sim::RequestState*>& running) const override {
        return policies::choose_victim(victim_, running);
    }

  private:
    sim::PreemptMode mode_;
    VictimChoice victim_;
};

}  // namespace

std::unique_ptr<sim::PreemptionPolicy> make_victim_policy(sim::PreemptMode mode, const PolicySpec& spec) {
    return std::make_unique<VictimPolicy>(mode, victim_choice(spec));
}

VictimChoice victim_choice(const PolicySpec& spec) {
    const std::string& v = spec.text("victim");
    if (v == "newest") return VictimChoice::newest;
    if (v == "most-kv") return VictimChoice::most_kv;
    throw UsageError("--preemption", spec.name() + ": bad victim '" + v + "' (expected newest or most-kv)");
}

int64_t choose_victim(VictimChoice choice, const std::vector<sim::RequestState*>& running) {
    int64_t best = -1;
    for (int64_t i = static_cast<int64_t>(running.size()) - 1; i >= 0; --i) {
        const sim::RequestState* r = running[static_cast<size_t>(i)];
        if (r->in_flight || r->phase() != sim::RequestPhase::running) continue;
        if (choice == VictimChoice::newest) return i;
        if (best < 0 || r->kv_blocks() > running[static_cast<size_t>(best)]->kv_blocks()) best = i;
    }
    return best;
}

}  // namespace llmsim::policies
