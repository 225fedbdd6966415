// Recompute preemption (vLLM's default): the victim's KV is dropped; it prefills prompt + generated tokens again
// (prefix caching may still hold part of it).
#include "policies/preemption/preemption.hpp"

namespace llmsim::policies {

std::unique_ptr<sim::PreemptionPolicy> make_recompute_preemption(const PolicySpec& spec) {
    return make_victim_policy(sim::PreemptMode::recompute, spec);
}

}  // namespace llmsim::policies
