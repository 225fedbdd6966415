// A separate draft model (e.g. Llama-2-7B drafting for Llama-2-70B): any preset id or Hugging Face config, on the
// target's GPUs. Its weights and its KV for every token a request holds take memory beside the target's; each of the
// gamma proposals is one decode step of the draft model, priced by its own cost model.
#include "models/layer_ops.hpp"
#include "models/presets.hpp"
#include "policies/specdec/specdec.hpp"

namespace llmsim::policies {

DrafterSetup make_draft_model_drafter(const PolicySpec& spec, const sim::ForwardCost& target,
                                      const std::string& where) {
    const models::ModelSpec model = models::resolve_model(spec.text("model"), where);
    const models::ModelSpec& t = target.deployment().model;
    if (model.vocab_size != t.vocab_size) {
        throw UsageError(where, "draft: model=" + spec.text("model") + " has a vocabulary of " +
                                    std::to_string(model.vocab_size) + " tokens but the target " + t.id + " has " +
                                    std::to_string(t.vocab_size) +
                                    " (a draft model must share the target's tokenizer)");
    }
    DrafterSetup out;
    out.drafter = make_pass_drafter(model, target);
    const sim::Deployment d = drafter_deployment(model, target);
    const auto f = models::memory_footprint(d.model, d.shard, d.parallel, d.precision);
    out.weight_bytes_per_gpu = f.weight_bytes_per_gpu;
    out.kv_bytes_per_token_per_gpu = f.kv_bytes_per_token_per_gpu;
    return out;
}

}  // namespace llmsim::policies
