// Drafters that run forward passes of a (small) model on the target's GPUs: gamma sequential steps, each a decode
// of every speculating sequence one token further along.
#include <algorithm>

#include "common/error.hpp"
#include "models/layer_ops.hpp"
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

std::shared_ptr<sim::Drafter> make_pass_drafter(const models::ModelSpec& model, const sim::ForwardCost& target) {
    sim::ForwardCost cost(drafter_deployment(model, target), target.hardware(), sim::FrameworkOverhead{},
                          target.execution());
    return std::make_shared<PassDrafter>(std::move(cost));
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
                                         const std::string& alpha_default) {
    return {
        {length, length_default, "draft tokens proposed per step, 1..64"},
        {"alpha", alpha_default,
         "mean per-token acceptance probability in [0, 1] (an assumption: quality is not modelled)"},
        {"alpha_spread", "0", "standard deviation of each request's acceptance (Beta with mean alpha); 0: none"},
        {"max_batch", "0", "speculation off while more requests than this are running (0: always on)"},
    };
}

}  // namespace llmsim::policies
