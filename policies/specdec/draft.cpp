// A separate draft model (e.g. Llama-2-7B drafting for Llama-2-70B): any preset id or Hugging Face config, on the
// target's GPUs. Its weights and its KV for every token a request holds take memory beside the target's; each of the
// gamma proposals is one decode step of the draft model, priced by its own cost model. With `context=N` it drafts
// over the latest N tokens only (RAPID's retrieval context, TriForce's sparse KV); a draft model that is the target
// itself (self-speculation over a sparse KV, as TriForce) shares the target's weights and reads a subset of its KV, so
// it takes no extra memory.
#include "models/layer_ops.hpp"
#include "policies/specdec/specdec.hpp"

namespace llmsim::policies {

DrafterSetup make_draft_model_drafter(const PolicySpec& spec, const sim::ForwardCost& target,
                                      const std::string& where) {
    const models::ModelSpec model = draft_model_of(spec, target, where);
    const int64_t context = spec.integer("context", 0, int64_t{1} << 40);
    DrafterSetup out;
    out.drafter = make_pass_drafter(model, target, context);
    if (model.id == target.deployment().model.id) {
        if (context == 0) {
            throw UsageError(where, "draft: model=" + spec.text("model") +
                                        " is the target itself and context=0: self-speculation needs a shorter "
                                        "draft context (context=N)");
        }
        return out;
    }
    const sim::Deployment d = drafter_deployment(model, target);
    const auto f = models::memory_footprint(d.model, d.shard, d.parallel, d.precision);
    out.weight_bytes_per_gpu = f.weight_bytes_per_gpu;
    out.kv_bytes_per_token_per_gpu = f.kv_bytes_per_token_per_gpu;
    return out;
}

}  // namespace llmsim::policies
