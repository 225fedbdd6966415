// The explicit table of speculative-decoding drafters: add one by adding its file and one row here. Default
// acceptance rates are assumptions for a chat workload, not measurements: pass alpha for the pair you model.
#include <cmath>

#include "policies/specdec/specdec.hpp"

namespace llmsim::policies {
namespace {

std::vector<ParamInfo> with_model(std::vector<ParamInfo> params) {
    params.insert(params.begin(), {"model", "", "draft model: preset id or path to a Hugging Face config.json"});
    return params;
}

}  // namespace

const Registry<SpecDecodeInfo>& spec_decode_registry() {
    static const Registry<SpecDecodeInfo> registry(
        "speculative decoding drafter",
        {
            {"draft",
             "a separate draft model on the same GPUs (its weights and KV take memory)",
             make_draft_model_drafter,
             with_model(acceptance_params("gamma", "4", "0.8")),
             {}},
            {"eagle",
             "EAGLE feature-level drafter: one layer at the target's hidden size per draft token",
             make_eagle_drafter,
             acceptance_params("gamma", "5", "0.75"),
             {}},
            {"mtp",
             "DeepSeek-style multi-token prediction modules, one target layer per draft token (depth)",
             make_mtp_drafter,
             acceptance_params("depth", "1", "0.9"),
             {}},
            {"ngram",
             "prompt lookup: drafts copied from the context, no model and no drafting cost",
             make_ngram_drafter,
             acceptance_params("gamma", "4", "0.5"),
             {}},
        });
    return registry;
}

SpecDecodeSetup make_spec_decode(const std::string& text, const sim::ForwardCost& target, uint64_t seed,
                                 const std::string& where) {
    const auto& reg = spec_decode_registry();
    const PolicySpec spec = reg.parse(text, where);
    const SpecDecodeInfo& info = reg.get(spec.name(), where);
    SpecDecodeSetup out;
    const std::string length = spec.params().count("depth") > 0 ? "depth" : "gamma";
    out.config.gamma = static_cast<int32_t>(spec.integer(length, 1, 64));
    out.config.alpha = spec.number("alpha", 0, 1);
    out.config.alpha_spread = spec.number("alpha_spread", 0, 0.5);
    const double a = out.config.alpha;
    if (out.config.alpha_spread > 0 && out.config.alpha_spread * out.config.alpha_spread >= a * (1 - a)) {
        throw UsageError(where, spec.name() + ": bad alpha_spread '" + spec.text("alpha_spread") +
                                    "' (a Beta with mean " + spec.text("alpha") +
                                    " needs a standard deviation below sqrt(alpha * (1 - alpha)) = " +
                                    std::to_string(std::sqrt(a * (1 - a))) + ")");
    }
    out.config.max_batch = static_cast<int32_t>(spec.integer("max_batch", 0, 1 << 20));
    out.config.seed = seed;
    out.drafter = info.factory(spec, target, where);
    return out;
}

}  // namespace llmsim::policies
