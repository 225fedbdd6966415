// EAGLE: a feature-level drafter, one decoder layer at the target's hidden size fed the target's last hidden states.
// Chain drafting (EAGLE-1's chain mode) or a token tree (tree=b1-b2-..., as EAGLE's static tree or EAGLE-2's top-k
// expansion): each level is one pass of that layer plus the target's LM head over the level's frontier nodes.
#include "policies/specdec/specdec.hpp"

namespace llmsim::policies {

DrafterSetup make_eagle_drafter(const PolicySpec& /*spec*/, const sim::ForwardCost& target,
                                const std::string& /*where*/) {
    return make_layer_drafter(target, /*keep_moe=*/false);
}

}  // namespace llmsim::policies
