// PEARL (parallel speculative decoding with adaptive draft length): a draft model on its own device drafts the next
// proposals while the target verifies the current ones, so a step costs max(drafting, verify) instead of their sum,
// and the draft length follows the speed ratio: as many draft steps as fit in one target pass (at most gamma),
// re-read from each step's batch shape. The drafter's device is of the target's kind and holds the drafter's weights
// and KV, so the target's memory is untouched; that device is not counted in the replica's GPUs. Pre-verify's early
// exit on a rejected first draft is not modelled (the step already ends with the verify pass).
#include <cmath>

#include "policies/specdec/model_pair.hpp"

namespace llmsim::policies {
namespace {

class PearlDrafter final : public PairedDrafter {
  public:
    using PairedDrafter::PairedDrafter;

    int32_t adapt_gamma(const models::BatchShape& target, const models::BatchShape& drafts, int32_t gamma_max,
                        double /*alpha*/, double /*decay*/) override {
        const double ratio = pair().verify_ns(target, 1) / pair().draft_step_ns(drafts);
        return static_cast<int32_t>(std::clamp(std::lround(ratio), 1L, static_cast<long>(gamma_max)));
    }
};

}  // namespace

DrafterSetup make_pearl_drafter(const PolicySpec& spec, const sim::ForwardCost& target, const std::string& where) {
    const models::ModelSpec model = draft_model_of(spec, target, where);
    const int64_t context = spec.integer("context", 0, int64_t{1} << 40);
    if (spec.text("adaptive") != "on" && spec.text("adaptive") != "off") {
        throw UsageError(where, "pearl: bad adaptive '" + spec.text("adaptive") + "' (expected on or off)");
    }
    DrafterSetup out;
    out.drafter = std::make_shared<PearlDrafter>(make_pass_drafter(model, target, context), model, target);
    out.overlap = true;
    out.adaptive = spec.text("adaptive") == "on";
    return out;
}

}  // namespace llmsim::policies
