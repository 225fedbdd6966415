// The explicit table of preemption policies.
#include "policies/preemption/preemption.hpp"

namespace llmsim::policies {

const Registry<PreemptionInfo>& preemption_registry() {
    static const Registry<PreemptionInfo> registry(
        "preemption policy",
        {
            {"recompute",
             "drop the victim's KV; it prefills prompt + generated tokens again (vLLM default)",
             make_recompute_preemption,
             {{"victim", "newest", "newest (vLLM) | most-kv"}},
             {}},
            {"swap",
             "move the victim's KV to host memory and back (falls back to recompute when host space is full)",
             make_swap_preemption,
             {{"victim", "newest", "newest (vLLM) | most-kv"}},
             {"kv-tiers"}},
        });
    return registry;
}

std::unique_ptr<sim::PreemptionPolicy> make_preemption(const std::string& spec, const std::string& where) {
    const PolicySpec parsed = preemption_registry().parse(spec, where);
    return preemption_registry().get(parsed.name(), where).factory(parsed);
}

}  // namespace llmsim::policies
