#pragma once
// A draft model priced beside its target, for drafters whose draft length adapts to the two models' step times
// (PEARL, adaptive): one step of each at a batch shape, and a target verify of q queries per sequence.
#include <memory>

#include "policies/specdec/specdec.hpp"

namespace llmsim::policies {

class ModelPair {
  public:
    ModelPair(const models::ModelSpec& draft_model, const sim::ForwardCost& target)
        : draft_(drafter_deployment(draft_model, target), target.hardware(), sim::FrameworkOverhead{},
                 target.execution()),
          target_(target.deployment(), target.hardware(), sim::FrameworkOverhead{}, target.execution()) {}

    double draft_step_ns(const models::BatchShape& drafts) { return draft_.device_ns(drafts); }
    // The target's pass over `queries` tokens per sequence of `decodes` (causal over the lookahead; full attention).
    double verify_ns(const models::BatchShape& decodes, int32_t queries) {
        if (queries <= 1) return target_.device_ns(decodes);
        models::BatchShape v = decodes;
        const auto seqs = static_cast<int64_t>(v.decode_seqs);
        const int64_t extra = queries - 1;
        v.decode_kv_tokens += extra * seqs;
        v.decode_extra_tokens = extra * seqs;
        v.decode_extra_pairs = static_cast<double>(extra) * static_cast<double>(decodes.decode_kv_tokens) +
                               static_cast<double>(seqs) * static_cast<double>(extra * (extra + 1) / 2);
        v.logits_seqs = static_cast<int32_t>(queries * seqs);
        return target_.device_ns(v);
    }

  private:
    sim::ForwardCost draft_;
    sim::ForwardCost target_;
};

// A drafter that proposes with `draft` (priced as it prices itself, attending as it does) and whose draft length
// follows the pair's step times; each subclass gives its rule in adapt_gamma.
class PairedDrafter : public sim::Drafter {
  public:
    PairedDrafter(std::shared_ptr<sim::Drafter> draft, const models::ModelSpec& draft_model,
                  const sim::ForwardCost& target)
        : draft_(std::move(draft)), pair_(draft_model, target) {
        context_tokens_max = draft_->context_tokens_max;
    }

    double draft_ns(const models::BatchShape& decodes, int32_t gamma) final { return draft_->draft_ns(decodes, gamma); }

  protected:
    ModelPair& pair() { return pair_; }

  private:
    std::shared_ptr<sim::Drafter> draft_;
    ModelPair pair_;
};

}  // namespace llmsim::policies
