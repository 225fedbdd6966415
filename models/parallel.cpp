#include "models/parallel.hpp"

#include "common/error.hpp"

namespace llmsim::models {

ShardShape shard_model(const ModelSpec& model, const InferenceParallel& par) {
    if (par.tp < 1) throw UsageError("--tp", "must be >= 1, got " + std::to_string(par.tp));
    if (par.pp < 1) throw UsageError("--pp", "must be >= 1, got " + std::to_string(par.pp));
    if (par.ep < 1) throw UsageError("--ep", "must be >= 1, got " + std::to_string(par.ep));
    ShardShape s;
    if (model.num_heads % par.tp != 0) {
        throw UsageError("--tp", "tensor parallel degree " + std::to_string(par.tp) + " does not divide the " +
                                     std::to_string(model.num_heads) + " attention heads of " + model.id);
    }
    s.heads = model.num_heads / par.tp;
    if (model.num_kv_heads % par.tp == 0) {
        s.kv_heads = model.num_kv_heads / par.tp;
    } else if (par.tp % model.num_kv_heads == 0) {
        s.kv_heads = 1;  // KV heads are replicated across the TP ranks that share them (vLLM/TRT-LLM behaviour)
    } else {
        throw UsageError("--tp", "tensor parallel degree " + std::to_string(par.tp) + " and the " +
                                     std::to_string(model.num_kv_heads) + " KV heads of " + model.id +
                                     " do not divide one another");
    }
    // MLP and vocab widths are padded up to a multiple of tp (frameworks pad rather than refuse).
    s.intermediate = (model.intermediate_size + par.tp - 1) / par.tp;
    s.vocab = (model.vocab_size + par.tp - 1) / par.tp;
    if (model.moe.enabled()) {
        if (model.moe.num_experts % par.ep != 0) {
            throw UsageError("--ep", "expert parallel degree " + std::to_string(par.ep) + " does not divide the " +
                                         std::to_string(model.moe.num_experts) + " experts of " + model.id);
        }
        s.local_experts = model.moe.num_experts / par.ep;
        s.expert_intermediate = (model.moe.expert_intermediate + par.tp - 1) / par.tp;
    } else if (par.ep != 1) {
        throw UsageError("--ep", "expert parallelism needs an MoE model; " + model.id + " is dense");
    }
    if (par.pp > model.num_layers) {
        throw UsageError("--pp", "pipeline stages " + std::to_string(par.pp) + " exceed the " +
                                     std::to_string(model.num_layers) + " layers of " + model.id);
    }
    const int32_t base = model.num_layers / par.pp;
    const int32_t extra = model.num_layers % par.pp;
    int32_t first = 0;
    for (int32_t i = 0; i < par.pp; ++i) {
        const int32_t n = base + (i < extra ? 1 : 0);
        s.layers_per_stage.push_back(n);
        s.stage_layers.push_back({n, model.moe_layers_in(first, n), model.local_attention_layers_in(first, n)});
        first += n;
    }
    return s;
}

}  // namespace llmsim::models
