// Prompt lookup (n-gram) drafting: proposals are copied from earlier context by string matching on the host, with no
// model, so drafting costs no device time and no memory; only the verify pass is paid.
#include "policies/specdec/specdec.hpp"

namespace llmsim::policies {
namespace {

class NgramDrafter final : public sim::Drafter {
  public:
    double draft_ns(const models::BatchShape& /*decodes*/, int32_t /*gamma*/) override { return 0; }
};

}  // namespace

DrafterSetup make_ngram_drafter(const PolicySpec& /*spec*/, const sim::ForwardCost& /*target*/,
                                const std::string& /*where*/) {
    DrafterSetup out;
    out.drafter = std::make_shared<NgramDrafter>();
    return out;
}

}  // namespace llmsim::policies
