// Multi-token prediction as in DeepSeek-V3: `depth` sequential MTP modules, each a full decoder layer of the target
// (MoE included) sharing its embedding and LM head, proposing one token each. The small projection that joins the
// embedding and the previous hidden state (2h -> h) is not priced.
#include "policies/specdec/specdec.hpp"

namespace llmsim::policies {

DrafterSetup make_mtp_drafter(const PolicySpec& /*spec*/, const sim::ForwardCost& target,
                              const std::string& /*where*/) {
    return make_layer_drafter(target, /*keep_moe=*/true);
}

}  // namespace llmsim::policies
