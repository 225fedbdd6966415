// Drafters that run forward passes of a (small) model on the target's GPUs: gamma sequential steps, each a decode
// of every speculating sequence one token further along (a tree: each level a pass over that level's frontier).
#include <algorithm>

#include "common/error.hpp"
#include "models/layer_ops.hpp"
#include "models/presets.hpp"
#include "policies/specdec/specdec.hpp"

namespace llmsim::policies {
namespace {

class PassDrafter final : public sim::Drafter {
  public:
    explicit PassDrafter(sim::ForwardCost cost) : cost_(std::move(cost)) {}

    double draft_ns(const models::BatchShape& decodes, int32_t gamma) override {
        // Step j reads j more keys per sequence than the first (full attention: the drafter's spans are ignored).
        models::BatchShape step = decodes;
        double t = 0;
        for (int32_t j = 0; j < gamma; ++j) {
            t += cost_.device_ns(step);
            step.decode_kv_tokens += step.decode_seqs;
        }
        return t;
    }

    double tree_draft_ns(const models::BatchShape& decodes, std::span<const int32_t> tree) override {
        // Level d runs the prod_{j<d} b_j frontier nodes of each sequence as that many queries over its context (the
        // tree mask's extra ancestor keys are a few per query: not priced).
        const auto seqs = static_cast<int64_t>(decodes.decode_seqs);
        int64_t width = 1;
        double t = 0;
        for (size_t d = 0; d < tree.size(); ++d) {
            models::BatchShape level = decodes;
            level.decode_kv_tokens += static_cast<int64_t>(d) * seqs;
            level.decode_extra_tokens = (width - 1) * seqs;
            level.decode_extra_pairs = static_cast<double>(width - 1) * static_cast<double>(level.decode_kv_tokens);
            level.logits_seqs = static_cast<int32_t>(width * seqs);
            t += cost_.device_ns(level);
            width *= tree[d];
        }
        return t;
    }

  private:
    sim::ForwardCost cost_;
};

}  // namespace

sim::Deployment drafter_deployment(const models::ModelSpec& model, const sim::ForwardCost& target) {
    const sim::Deployment& t = target.deployment();
    models::InferenceParallel par;
    par.tp = model.num_heads % t.parallel.tp == 0 ? t.parallel.tp : 1;
    par.ep = model.moe.enabled() && model.moe.num_experts % t.parallel.ep == 0 ? t.parallel.ep : 1;
    return sim::make_deployment(model, par, t.precision, target.hardware().device());
}

std::shared_ptr<sim::Drafter> make_pass_drafter(const models::ModelSpec& model, const sim::ForwardCost& target,
                                                int64_t context_tokens_max) {
    sim::ForwardCost cost(drafter_deployment(model, target), target.hardware(), sim::FrameworkOverhead{},
                          target.execution());
    auto drafter = std::make_shared<PassDrafter>(std::move(cost));
    drafter->context_tokens_max = context_tokens_max;
    return drafter;
}

models::ModelSpec draft_model_of(const PolicySpec& spec, const sim::ForwardCost& target, const std::string& where) {
    models::ModelSpec model = models::resolve_model(spec.text("model"), where);
    const models::ModelSpec& t = target.deployment().model;
    if (model.vocab_size != t.vocab_size) {
        throw UsageError(where, spec.name() + ": model=" + spec.text("model") + " has a vocabulary of " +
                                    std::to_string(model.vocab_size) + " tokens but the target " + t.id + " has " +
                                    std::to_string(t.vocab_size) +
                                    " (a draft model must share the target's tokenizer)");
    }
    return model;
}

DrafterSetup make_layer_drafter(const sim::ForwardCost& target, bool keep_moe) {
    models::ModelSpec layer = target.deployment().model;
    layer.id += keep_moe ? "-mtp-layer" : "-eagle-layer";
    layer.num_layers = 1;
    layer.local_attention = {};  // one global layer
    if (keep_moe && layer.moe.enabled()) {
        layer.moe.first_dense_layers = 0;
        layer.moe.layer_step = 1;
        layer.moe.dense_layers.clear();
    } else if (layer.moe.enabled()) {
        if (layer.intermediate_size == 0) layer.intermediate_size = layer.moe.expert_intermediate;
        layer.moe = {};
    }
    DrafterSetup out;
    out.drafter = make_pass_drafter(layer, target);
    const sim::Deployment d = drafter_deployment(layer, target);
    const auto f = models::memory_footprint(d.model, d.shard, d.parallel, d.precision);
    // The embedding and LM head are the target's own (shared), so only the layer's weights are new.
    const double shared = static_cast<double>(layer.embedding_params() + layer.lm_head_params()) / d.parallel.tp *
                          d.precision.weight_bytes();
    out.weight_bytes_per_gpu = std::max(0.0, f.weight_bytes_per_gpu - shared);
    out.kv_bytes_per_token_per_gpu = f.kv_bytes_per_token_per_gpu;
    return out;
}

std::vector<ParamInfo> acceptance_params(const std::string& length, const std::string& length_default,
                                         const std::string& alpha_default, const std::string& decay_default) {
    return {
        {length, length_default, "draft tokens proposed per step (a tree's depth), 1..64"},
        {"alpha", alpha_default,
         "mean per-token acceptance probability in [0, 1] (an assumption: quality is not modelled); with alpha_to, "
         "where the online ramp starts"},
        {"alpha_spread", "0", "standard deviation of each request's acceptance (Beta with mean alpha); 0: none"},
        {"decay", decay_default, "acceptance at draft position i is alpha * decay^i, decay in (0, 1]"},
        {"alpha_to", "off", "online speculative decoding: the mean acceptance rises linearly from alpha to this"},
        {"ramp", "0", "length of the online ramp: N requests (by id) or Xs seconds (by arrival), e.g. 500 or 60s"},
        {"max_batch", "0", "speculation off while more requests than this are running (0: always on)"},
        {"batch_gamma", "off",
         "draft length by batch size, ABOVE:GAMMA pairs joined by '/', e.g. 8:3/32:1 (gamma 3 above 8 running "
         "requests, 1 above 32)"},
    };
}

ParamInfo tree_param() {
    return {"tree", "chain",
            "token tree: candidates per depth joined by '-', e.g. 4-2-2-1 (depth = gamma); chain: none"};
}

std::vector<ParamInfo> with_draft_model(std::vector<ParamInfo> params) {
    params.insert(params.begin(),
                  {{"model", "", "draft model: preset id or path to a Hugging Face config.json"},
                   {"context", "0",
                    "the drafter attends to at most this many latest context tokens (retrieved or sparse KV, as RAPID "
                    "and TriForce); 0: the whole context"}});
    return params;
}

}  // namespace llmsim::policies
