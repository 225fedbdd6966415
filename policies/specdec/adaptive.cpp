// A draft model (as `draft`) whose draft length adapts step by step: the depth g <= gamma that maximises expected
// output tokens per unit of time, E(alpha, decay, g) / (g * t_draft + t_verify(g + 1)), with the two models' step
// times at the previous step's batch shape and alpha the mean acceptance of its requests. So it drafts deep at small
// batch, where the verify pass is weight-bound and nearly free per extra token, and shallower as the batch grows and
// the verify pass turns compute-bound (the dynamic draft lengths of SpecDec++/DISCO-style policies, without their
// learned stopping rule).
#include "policies/specdec/model_pair.hpp"

namespace llmsim::policies {
namespace {

class AdaptiveDrafter final : public PairedDrafter {
  public:
    using PairedDrafter::PairedDrafter;

    int32_t adapt_gamma(const models::BatchShape& target, const models::BatchShape& drafts, int32_t gamma_max,
                        double alpha, double decay) override {
        const double t_draft = pair().draft_step_ns(drafts);
        int32_t best = 1;
        double best_rate = 0;
        for (int32_t g = 1; g <= gamma_max; ++g) {
            const double rate =
                sim::expected_tokens_per_step({alpha, decay, {}, g}) / (g * t_draft + pair().verify_ns(target, g + 1));
            if (rate > best_rate) {
                best_rate = rate;
                best = g;
            }
        }
        return best;
    }
};

}  // namespace

DrafterSetup make_adaptive_drafter(const PolicySpec& spec, const sim::ForwardCost& target, const std::string& where) {
    DrafterSetup out = make_draft_model_drafter(spec, target, where);
    const models::ModelSpec model = draft_model_of(spec, target, where);
    out.drafter = std::make_shared<AdaptiveDrafter>(out.drafter, model, target);
    out.adaptive = true;
    return out;
}

}  // namespace llmsim::policies
