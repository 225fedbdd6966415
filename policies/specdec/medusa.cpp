// Medusa: K extra decoding heads on the target's last hidden state, head k proposing the token k + 1 positions ahead.
// Each head is a residual block (hidden x hidden linear + SiLU) and its own LM head (hidden x vocab), so proposing a
// whole step's candidates (chain, or a tree of each head's top-b_k tokens) is one pass of the K heads over one row
// per sequence, whatever the tree. The heads' weights take memory beside the target's (sharded like its LM head).
#include <algorithm>

#include "policies/specdec/specdec.hpp"

namespace llmsim::policies {
namespace {

class MedusaDrafter final : public sim::Drafter {
  public:
    explicit MedusaDrafter(const sim::ForwardCost& target)
        : hw_(target.hardware()),
          precision_(target.deployment().precision),
          hidden_(target.deployment().model.hidden_size),
          vocab_shard_(target.deployment().model.vocab_size / target.deployment().parallel.tp) {}

    // The step runs the heads for its depth (fewer when the draft length is cut by batch size).
    double draft_ns(const models::BatchShape& decodes, int32_t gamma) override { return heads_ns(decodes, gamma); }
    double tree_draft_ns(const models::BatchShape& decodes, std::span<const int32_t> tree) override {
        return heads_ns(decodes, static_cast<int32_t>(tree.size()));
    }

  private:
    double heads_ns(const models::BatchShape& decodes, int32_t heads) const {
        const auto m = static_cast<double>(decodes.decode_seqs);
        const auto h = static_cast<double>(hidden_);
        const auto v = static_cast<double>(vocab_shard_);
        return heads * (gemm_ns("medusa_resblock", m, h, h) + gemm_ns("medusa_lm_head", m, v, h));
    }
    double gemm_ns(std::string_view name, double m, double n, double k) const {
        const double bytes =
            n * k * precision_.weight_bytes() + m * k * precision_.gemm_input_bytes() + m * n * precision_.act_bytes();
        return hw_.kernel(OpClass::gemm, name, precision_.compute, 2 * m * n * k, bytes).time_ns;
    }

    hardware::CostModel hw_;
    models::Precision precision_;
    int64_t hidden_;
    int64_t vocab_shard_;
};

}  // namespace

DrafterSetup make_medusa_drafter(const PolicySpec& spec, const sim::ForwardCost& target, const std::string& /*where*/) {
    // A tree has one head per depth (make_spec_decode has validated it and checked it against `heads`).
    const std::string& tree = spec.text("tree");
    const auto heads = tree == "chain" ? static_cast<int32_t>(spec.integer("heads", 1, 64))
                                       : static_cast<int32_t>(std::count(tree.begin(), tree.end(), '-') + 1);
    const sim::Deployment& d = target.deployment();
    DrafterSetup out;
    out.drafter = std::make_shared<MedusaDrafter>(target);
    const auto h = static_cast<double>(d.model.hidden_size);
    out.weight_bytes_per_gpu =
        heads * (h * h + h * static_cast<double>(d.model.vocab_size) / d.parallel.tp) * d.precision.weight_bytes();
    return out;
}

}  // namespace llmsim::policies
