// EAGLE: a feature-level drafter, one decoder layer at the target's hidden size fed the target's last hidden states
// (chain drafting; trees are not modelled). Each proposal is one pass of that layer plus the target's LM head.
#include "policies/specdec/specdec.hpp"

namespace llmsim::policies {

DrafterSetup make_eagle_drafter(const PolicySpec& /*spec*/, const sim::ForwardCost& target,
                                const std::string& /*where*/) {
    return make_layer_drafter(target, /*keep_moe=*/false);
}

}  // namespace llmsim::policies
