#include "models/layer_ops.hpp"

#include <algorithm>
#include <cmath>

#include "common/error.hpp"

namespace llmsim::models {
namespace {

// GEMM out[m,n] = in[m,k] x W[k,n] (+ bias): weights read once, input read, output written.
Op gemm(std::string_view name, int64_t m, int64_t n, int64_t k, const Precision& prec, bool bias,
        OpScope scope = OpScope::per_layer) {
    Op op;
    op.name = name;
    op.op_class = OpClass::gemm;
    op.scope = scope;
    op.dtype = prec.compute;
    op.m = m;
    op.n = n;
    op.k = k;
    op.flops = 2.0 * static_cast<double>(m) * static_cast<double>(n) * static_cast<double>(k);
    const double weight = static_cast<double>(n) * static_cast<double>(k) * prec.weight_bytes();
    const double in = static_cast<double>(m) * static_cast<double>(k) * prec.gemm_input_bytes();
    const double out = static_cast<double>(m) * static_cast<double>(n) * prec.act_bytes();
    op.bytes = weight + in + out + (bias ? static_cast<double>(n) * prec.act_bytes() : 0.0);
    return op;
}

Op elementwise(std::string_view name, double elements_read, double elements_written, double flops_per_element,
               const Precision& prec, int32_t kernels = 1) {
    Op op;
    op.name = name;
    op.op_class = OpClass::elementwise;
    op.dtype = prec.activations;
    op.bytes = (elements_read + elements_written) * prec.act_bytes();
    op.flops = flops_per_element * elements_written;
    op.kernels = kernels;
    return op;
}

Op collective(std::string_view name, CollectiveKind kind, double bytes, int32_t group, int32_t calls,
              const Precision& prec, OpScope scope = OpScope::per_layer) {
    Op op;
    op.name = name;
    op.op_class = OpClass::collective;
    op.scope = scope;
    op.dtype = prec.activations;
    op.collective = kind;
    op.bytes = bytes;
    op.group_size = group;
    op.kernels = calls;
    return op;
}

void add_mlp_ops(std::vector<Op>& ops, const ModelSpec& model, const ShardShape& shard, const InferenceParallel& par,
                 const Precision& prec, int64_t t) {
    const auto td = static_cast<double>(t);
    const int64_t h = model.hidden_size;
    if (!model.moe.enabled()) {
        const int64_t up_n = shard.intermediate * (model.mlp == MlpKind::gated ? 2 : 1);
        ops.push_back(gemm("mlp_up_proj", t, up_n, h, prec, model.mlp_bias));
        const double inter = td * static_cast<double>(shard.intermediate);
        // Gated: read gate and up halves, write the product; plain: read and write in place.
        ops.push_back(elementwise("mlp_act", model.mlp == MlpKind::gated ? 2 * inter : inter, inter, 8.0, prec));
        ops.push_back(gemm("mlp_down_proj", t, h, shard.intermediate, prec, model.mlp_bias));
        return;
    }
    // Router: small replicated GEMM producing expert scores.
    ops.push_back(gemm("moe_router", t, model.moe.num_experts, h, prec, false));
    const int32_t e_total = model.moe.num_experts;
    const int32_t k = model.moe.top_k;
    // Token-expert assignments landing on this GPU's experts, assuming balanced routing.
    const double assignments = td * k / par.ep;
    // Distinct local experts touched: each token picks k of E experts.
    const double p_untouched = std::pow(1.0 - static_cast<double>(k) / e_total, td);
    const double touched = shard.local_experts * (1.0 - p_untouched) + model.moe.shared_experts;
    const double gate_mult = model.mlp == MlpKind::gated ? 3.0 : 2.0;  // up(+gate) and down matrices
    const double expert_params = gate_mult * static_cast<double>(h) * static_cast<double>(shard.expert_intermediate);
    const double shared_assign = td * model.moe.shared_experts;
    Op experts;
    experts.name = "moe_experts";
    experts.op_class = OpClass::gemm;
    experts.dtype = prec.compute;
    experts.m = static_cast<int64_t>(std::ceil(assignments / std::max(1.0, touched)));
    experts.n = shard.expert_intermediate;
    experts.k = h;
    experts.flops = 2.0 * (assignments + shared_assign) * expert_params;
    experts.bytes =
        touched * expert_params * prec.weight_bytes() +
        (assignments + shared_assign) * static_cast<double>(h) * 2 * prec.act_bytes() +
        (assignments + shared_assign) * static_cast<double>(shard.expert_intermediate) * 3 * prec.act_bytes();
    experts.kernels = 3;  // fused up/gate GEMM, activation, down GEMM
    ops.push_back(experts);
    if (par.ep > 1) {
        // Dispatch and combine: each GPU sends the hidden states of tokens routed to remote experts.
        const double bytes = 2.0 * td * k * static_cast<double>(h) * prec.act_bytes() * (par.ep - 1) / par.ep;
        ops.push_back(collective("ep_all_to_all", CollectiveKind::all_to_all, bytes, par.ep, 2, prec));
    }
}

}  // namespace

std::vector<Op> build_forward_ops(const ModelSpec& model, const ShardShape& shard, const InferenceParallel& par,
                                  const Precision& prec, const BatchShape& batch) {
    LLMSIM_ASSERT(!batch.empty(), "forward pass over an empty batch");
    std::vector<Op> ops;
    ops.reserve(20);
    const int64_t t = batch.total_tokens();
    const auto td = static_cast<double>(t);
    const int64_t h = model.hidden_size;
    const auto hd = static_cast<double>(h);
    const int64_t q_dim = static_cast<int64_t>(shard.heads) * model.head_dim;
    const int64_t kv_dim = static_cast<int64_t>(shard.kv_heads) * model.head_dim;
    const double act = prec.act_bytes();

    // Embedding gather on the first stage: one row of the table per token.
    {
        Op op;
        op.name = "embedding";
        op.op_class = OpClass::embedding;
        op.scope = OpScope::first_stage;
        op.dtype = prec.activations;
        op.bytes = td * hd * (prec.weight_bytes() + act);
        ops.push_back(op);
    }

    ops.push_back(elementwise("input_norm", td * hd, td * hd, 5.0, prec));
    ops.push_back(gemm("qkv_proj", t, q_dim + 2 * kv_dim, h, prec, model.attention_bias));
    if (model.position == PositionKind::rope) {
        const double rot = td * static_cast<double>(q_dim + kv_dim);
        ops.push_back(elementwise("rope", rot, rot, 6.0, prec));
    }
    const double flops_per_pair = 4.0 * static_cast<double>(model.head_dim) * shard.heads;  // QK^T and PV
    const double kv_token_bytes = 2.0 * static_cast<double>(kv_dim) * prec.kv_bytes();
    if (batch.prefill_tokens > 0) {
        Op op;
        op.name = "attn_prefill";
        op.op_class = OpClass::attn_prefill;
        op.dtype = prec.attention_math();
        op.flops = flops_per_pair * batch.prefill_attn_pairs;
        const auto pt = static_cast<double>(batch.prefill_tokens);
        op.bytes = pt * static_cast<double>(q_dim) * act * 2 +                      // Q in, O out
                   static_cast<double>(batch.prefill_kv_tokens) * kv_token_bytes +  // K, V read
                   pt * kv_token_bytes;                                             // new K, V written to cache
        op.m = batch.prefill_tokens;
        op.rows = pt * shard.heads;
        ops.push_back(op);
    }
    if (batch.decode_seqs > 0) {
        Op op;
        op.name = "attn_decode";
        op.op_class = OpClass::attn_decode;
        op.dtype = prec.attention_math();
        op.flops = flops_per_pair * static_cast<double>(batch.decode_kv_tokens);
        const auto ds = static_cast<double>(batch.decode_seqs);
        op.bytes = static_cast<double>(batch.decode_kv_tokens) * kv_token_bytes +
                   ds * static_cast<double>(q_dim) * act * 2 + ds * kv_token_bytes;
        op.m = batch.decode_seqs;
        op.rows = ds * shard.heads;
        ops.push_back(op);
    }
    ops.push_back(gemm("o_proj", t, h, q_dim, prec, model.attention_bias));
    if (model.norms_per_layer > 1) ops.push_back(elementwise("post_attn_norm", td * hd, td * hd, 5.0, prec));
    add_mlp_ops(ops, model, shard, par, prec, t);
    // Sequential blocks add two residuals; parallel blocks add attention and MLP outputs to the input at once.
    if (model.parallel_residual) {
        ops.push_back(elementwise("residual_add", 3 * td * hd, td * hd, 2.0, prec));
    } else {
        ops.push_back(elementwise("residual_add", 4 * td * hd, 2 * td * hd, 1.0, prec, 2));
    }
    if (par.tp > 1) {
        const int32_t calls = model.parallel_residual ? 1 : 2;
        ops.push_back(collective("tp_all_reduce", CollectiveKind::all_reduce, td * hd * act, par.tp, calls, prec));
    }
    if (par.pp > 1) {
        ops.push_back(
            collective("pp_send_recv", CollectiveKind::send_recv, td * hd * act, 2, 1, prec, OpScope::stage_boundary));
    }
    if (batch.logits_seqs > 0) {
        Op norm = elementwise("final_norm", batch.logits_seqs * hd, batch.logits_seqs * hd, 5.0, prec);
        norm.scope = OpScope::last_stage;
        ops.push_back(norm);
        ops.push_back(gemm("lm_head", batch.logits_seqs, shard.vocab, h, prec, false, OpScope::last_stage));
    }
    return ops;
}

MemoryFootprint memory_footprint(const ModelSpec& model, const ShardShape& shard, const InferenceParallel& par,
                                 const Precision& prec) {
    const auto tp = static_cast<double>(par.tp);
    const double attn = static_cast<double>(model.attention_params_per_layer()) / tp;
    double mlp = static_cast<double>(model.mlp_params_per_layer()) / tp;
    if (model.moe.enabled()) mlp /= par.ep;  // experts are split across EP ranks (router is small)
    const double norms = static_cast<double>(model.norm_params_per_layer());
    const double per_layer = attn + mlp + norms;
    const double embed = static_cast<double>(model.embedding_params()) / tp;
    const double head = static_cast<double>(model.lm_head_params()) / tp;
    double worst = 0;
    for (size_t s = 0; s < shard.layers_per_stage.size(); ++s) {
        double params = per_layer * shard.layers_per_stage[s];
        if (s == 0) params += embed;
        if (s + 1 == shard.layers_per_stage.size()) params += head + (model.tied_embeddings && s != 0 ? embed : 0);
        worst = std::max(worst, params);
    }
    MemoryFootprint f;
    f.weight_bytes_per_gpu = worst * prec.weight_bytes();
    const int32_t max_layers = *std::max_element(shard.layers_per_stage.begin(), shard.layers_per_stage.end());
    f.kv_bytes_per_token_per_gpu =
        2.0 * max_layers * static_cast<double>(shard.kv_heads) * model.head_dim * prec.kv_bytes();
    return f;
}

double activation_workspace_bytes(const ModelSpec& model, const ShardShape& shard, const Precision& prec,
                                  int64_t max_tokens, int64_t max_seqs) {
    const auto t = static_cast<double>(max_tokens);
    const double act = prec.act_bytes();
    const double hidden = static_cast<double>(model.hidden_size);
    const double qkv = static_cast<double>(shard.heads + 2 * shard.kv_heads) * model.head_dim;
    const double inter =
        static_cast<double>(model.moe.enabled() ? shard.expert_intermediate * model.moe.top_k : shard.intermediate);
    // Live at the MLP peak: residual stream, normed input, fused gate/up output and activation output.
    const double mlp_peak = t * (2 * hidden + 3 * inter) * act;
    const double attn_peak = t * (2 * hidden + 2 * qkv) * act;
    // Logits of the sampled sequences in fp32, plus the sampler's softmax copy.
    const double logits = static_cast<double>(max_seqs) * static_cast<double>(shard.vocab) * 4.0 * 2.0;
    return std::max(mlp_peak, attn_peak) + logits;
}

}  // namespace llmsim::models
