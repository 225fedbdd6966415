#pragma once
// Speculative-decoding drafters by name (--spec-decode NAME[:k=v,...]): one per file, one row each in registry.cpp.
// The batching-loop seam (acceptance draws, verify entries, drafting time) is sim/serving/spec_decode.hpp; a drafter
// says what proposing gamma drafts costs and what memory it takes beside the target on the same GPUs.
#include <memory>
#include <string>
#include <vector>

#include "common/registry.hpp"
#include "sim/cost/forward_cost.hpp"
#include "sim/serving/spec_decode.hpp"

namespace llmsim::policies {

struct DrafterSetup {
    std::shared_ptr<sim::Drafter> drafter;
    double weight_bytes_per_gpu = 0;        // beside the target's weights
    double kv_bytes_per_token_per_gpu = 0;  // beside the target's KV, for every token a request holds
    // PEARL: drafting overlaps the verify pass (on the drafter's own device) and the draft length adapts; the other
    // drafters draft before the verify pass with a fixed length.
    bool overlap = false;
    bool adaptive = false;
};

using DrafterFactory = DrafterSetup (*)(const PolicySpec& spec, const sim::ForwardCost& target,
                                        const std::string& where);
using SpecDecodeInfo = PolicyInfo<DrafterFactory>;

const Registry<SpecDecodeInfo>& spec_decode_registry();

struct SpecDecodeSetup {
    sim::SpecDecodeConfig config;
    DrafterSetup drafter;
};

// Parses and validates "NAME[:k=v,...]" (exit-2 errors name `where`, the parameter and its value) and builds the
// drafter against the target's deployment and devices.
SpecDecodeSetup make_spec_decode(const std::string& spec, const sim::ForwardCost& target, uint64_t seed,
                                 const std::string& where = "--spec-decode");

// The acceptance parameters every drafter takes; `length` is the draft-length key (gamma, depth for MTP, heads for
// Medusa).
std::vector<ParamInfo> acceptance_params(const std::string& length, const std::string& length_default,
                                         const std::string& alpha_default, const std::string& decay_default = "1");
// The token-tree parameter of drafters that can propose trees (EAGLE, Medusa).
ParamInfo tree_param();
// The draft-model parameters (model, context) of drafters that run a separate model (draft, PEARL).
std::vector<ParamInfo> with_draft_model(std::vector<ParamInfo> params);

// A drafter whose every proposal is one forward pass of `model` (a draft model, or a one-layer drafter) on the
// target's GPUs and tensor-parallel degree, priced by its own cost model without host overhead.
// `context_tokens_max`: the drafter attends to at most that many of the latest context tokens (a retrieved or sparse
// KV cache, as RAPID and TriForce draft); 0: the whole context.
std::shared_ptr<sim::Drafter> make_pass_drafter(const models::ModelSpec& model, const sim::ForwardCost& target,
                                                int64_t context_tokens_max = 0);
// The draft model of `spec` (its `model` key), checked against the target's vocabulary.
models::ModelSpec draft_model_of(const PolicySpec& spec, const sim::ForwardCost& target, const std::string& where);
// The draft model's deployment on the target's GPUs (tp: the target's, or 1 when it does not divide the heads).
sim::Deployment drafter_deployment(const models::ModelSpec& model, const sim::ForwardCost& target);

// A drafter of one decoder layer with the target's widths that shares the target's embedding and LM head (EAGLE's
// feature-level layer, DeepSeek's MTP module): priced as a one-layer model, weighed as that layer alone.
// `keep_moe`: the layer keeps the target's MoE MLP (MTP); otherwise it is dense at the target's MLP width.
DrafterSetup make_layer_drafter(const sim::ForwardCost& target, bool keep_moe);

DrafterSetup make_draft_model_drafter(const PolicySpec& spec, const sim::ForwardCost& target, const std::string& where);
DrafterSetup make_eagle_drafter(const PolicySpec& spec, const sim::ForwardCost& target, const std::string& where);
DrafterSetup make_mtp_drafter(const PolicySpec& spec, const sim::ForwardCost& target, const std::string& where);
DrafterSetup make_ngram_drafter(const PolicySpec& spec, const sim::ForwardCost& target, const std::string& where);
DrafterSetup make_medusa_drafter(const PolicySpec& spec, const sim::ForwardCost& target, const std::string& where);
DrafterSetup make_pearl_drafter(const PolicySpec& spec, const sim::ForwardCost& target, const std::string& where);
DrafterSetup make_adaptive_drafter(const PolicySpec& spec, const sim::ForwardCost& target, const std::string& where);

}  // namespace llmsim::policies
