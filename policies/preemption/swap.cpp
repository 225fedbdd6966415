// Swap preemption (vLLM v0 --preemption-mode swap): the victim's KV moves to host memory over the device's host
// link and comes back before it decodes again; both transfers are on the iteration's critical path. When host swap
// space is full the replica falls back to recompute for that victim (sim/serving/replica.cpp).
#include "policies/preemption/preemption.hpp"

namespace llmsim::policies {

std::unique_ptr<sim::PreemptionPolicy> make_swap_preemption(const PolicySpec& spec) {
    return make_victim_policy(sim::PreemptMode::swap, spec);
}

}  // namespace llmsim::policies
