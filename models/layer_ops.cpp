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

void add_dense_mlp_ops(std::vector<Op>& ops, const ModelSpec& model, const ShardShape& shard, const Precision& prec,
                       int64_t t, OpLayers layers) {
    const auto td = static_cast<double>(t);
    const int64_t h = model.hidden_size;
    const size_t first = ops.size();
    const int64_t up_n = shard.intermediate * (model.mlp == MlpKind::gated ? 2 : 1);
    ops.push_back(gemm("mlp_up_proj", t, up_n, h, prec, model.mlp_bias));
    const double inter = td * static_cast<double>(shard.intermediate);
    // Gated: read gate and up halves, write the product; plain: read and write in place.
    ops.push_back(elementwise("mlp_act", model.mlp == MlpKind::gated ? 2 * inter : inter, inter, 8.0, prec));
    ops.push_back(gemm("mlp_down_proj", t, h, shard.intermediate, prec, model.mlp_bias));
    for (size_t i = first; i < ops.size(); ++i)
        ops[i].layers = layers;
}

void add_moe_ops(std::vector<Op>& ops, const ModelSpec& model, const ShardShape& shard, const InferenceParallel& par,
                 const Precision& prec, int64_t t, OpLayers layers) {
    const auto td = static_cast<double>(t);
    const int64_t h = model.hidden_size;
    const size_t first = ops.size();
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
    for (size_t i = first; i < ops.size(); ++i)
        ops[i].layers = layers;
}

void add_mlp_ops(std::vector<Op>& ops, const ModelSpec& model, const ShardShape& shard, const InferenceParallel& par,
                 const Precision& prec, int64_t t) {
    if (!model.moe.enabled()) {
        add_dense_mlp_ops(ops, model, shard, prec, t, OpLayers::all);
    } else if (!model.mixes_mlp_layers()) {
        add_moe_ops(ops, model, shard, par, prec, t, OpLayers::all);
    } else {
        add_dense_mlp_ops(ops, model, shard, prec, t, OpLayers::dense_mlp);
        add_moe_ops(ops, model, shard, par, prec, t, OpLayers::moe_mlp);
    }
}

DType attention_math(const Precision& prec) {
    return prec.attention_math();  // attention math stays in 16-bit under fp8/fp4 GEMMs
}

// Attention aggregates of one kind of layer.
struct AttentionWork {
    double prefill_pairs = 0;
    int64_t prefill_kv_tokens = 0;
    int64_t decode_kv_tokens = 0;
    double decode_extra_pairs = 0;  // speculative verify queries beyond one per sequence
};

// An offloaded cache's refresh before the decode attention (ShadowKV): the refreshed tokens' keys are rebuilt as one
// GEMM of their rank-r factors (refresh x r) by each sequence's (r x kv_dim) basis, which is read once per sequence
// and layer, while their values come over the host link on another stream; the op lasts the longer of the two.
// Rotary embedding of the rebuilt keys is element-wise and small beside the GEMM; it is not counted.
Op kv_rebuild_op(const Precision& prec, const BatchShape& batch, int64_t kv_dim, OpLayers layers) {
    const KvRetention& r = batch.kv_retention;
    LLMSIM_ASSERT(r.rebuild_rank > 0, "refreshed tokens need a rebuild rank");
    const int64_t m = batch.decode_kv_refresh_tokens;
    Op op = gemm("kv_rebuild", m, kv_dim, r.rebuild_rank, prec, false);
    const double factor_bytes = 2.0;  // the low-rank factors stay 16-bit
    op.bytes = static_cast<double>(m) * static_cast<double>(r.rebuild_rank) * factor_bytes +
               static_cast<double>(batch.decode_seqs) * static_cast<double>(r.rebuild_rank * kv_dim) * factor_bytes +
               static_cast<double>(m * kv_dim) * prec.kv_bytes();
    op.host_bytes = static_cast<double>(m * kv_dim) * prec.kv_bytes();  // the values
    op.layers = layers;
    op.attention = true;
    return op;
}

// FlashAttention-style prefill and paged decode over K/V heads (MHA/GQA/MQA).
void add_head_attention_ops(std::vector<Op>& out, const ModelSpec& model, const ShardShape& shard,
                            const Precision& prec, const BatchShape& batch, const AttentionWork& w, OpLayers layers) {
    const int64_t q_dim = static_cast<int64_t>(shard.heads) * model.head_dim;
    const int64_t kv_dim = static_cast<int64_t>(shard.kv_heads) * model.head_dim;
    const double act = prec.act_bytes();
    const double flops_per_pair = 4.0 * static_cast<double>(model.head_dim) * shard.heads;  // QK^T and PV
    const double kv_token_bytes = 2.0 * static_cast<double>(kv_dim) * prec.kv_bytes();
    // Dequantizing a quantized cache runs inside the attention kernel on every element it reads (KIVI, KVQuant).
    const double dequant_ops_per_token = 2.0 * static_cast<double>(kv_dim) * prec.kv_dequant_ops_per_element;
    if (batch.prefill_tokens > 0) {
        Op op;
        op.name = "attn_prefill";
        op.op_class = OpClass::attn_prefill;
        op.dtype = attention_math(prec);
        op.flops = flops_per_pair * w.prefill_pairs;
        const auto pt = static_cast<double>(batch.prefill_tokens);
        op.bytes = pt * static_cast<double>(q_dim) * act * 2 +                  // Q in, O out
                   static_cast<double>(w.prefill_kv_tokens) * kv_token_bytes +  // K, V read
                   pt * kv_token_bytes;                                         // new K, V written to cache
        op.flops += dequant_ops_per_token * static_cast<double>(w.prefill_kv_tokens);
        op.m = batch.prefill_tokens;
        op.rows = pt * shard.heads;
        op.layers = layers;
        op.attention = true;
        out.push_back(op);
    }
    if (batch.decode_seqs > 0) {
        Op op;
        op.name = "attn_decode";
        op.op_class = OpClass::attn_decode;
        op.dtype = attention_math(prec);
        op.flops = flops_per_pair * (static_cast<double>(w.decode_kv_tokens) + w.decode_extra_pairs);
        const auto ds = static_cast<double>(batch.decode_seqs);
        const double queries = ds + static_cast<double>(batch.decode_extra_tokens);
        op.bytes = static_cast<double>(w.decode_kv_tokens) * kv_token_bytes +
                   queries * static_cast<double>(q_dim) * act * 2 + queries * kv_token_bytes;
        op.flops += dequant_ops_per_token * static_cast<double>(w.decode_kv_tokens);
        if (batch.kv_retention.active) {
            const KvRetention& r = batch.kv_retention;
            // KIVI's 16-bit residual tokens cost more than the quantized ones the line above counted; importance
            // tracking reads and writes a score per kept token and query head.
            op.bytes += static_cast<double>(batch.decode_kv_residual_tokens) * kv_token_bytes * r.residual_extra +
                        static_cast<double>(w.decode_kv_tokens) * shard.heads * r.score_bytes_per_token_head;
        }
        op.m = batch.decode_seqs;
        op.rows = queries * shard.heads;
        op.layers = layers;
        op.attention = true;
        out.push_back(op);
        if (batch.decode_kv_refresh_tokens > 0) out.push_back(kv_rebuild_op(prec, batch, kv_dim, layers));
    }
}

// One GEMM per head over the same rows (MLA's absorbed up-projections): out[m, n] = in[m, k] x W_head[k, n].
Op per_head_gemm(std::string_view name, int32_t heads, int64_t m, int64_t n, int64_t k, const Precision& prec) {
    Op op;
    op.name = name;
    op.op_class = OpClass::gemm;
    op.dtype = prec.compute;
    op.m = m;
    op.n = n;
    op.k = k;
    const double hm = static_cast<double>(heads) * static_cast<double>(m);
    op.flops = 2.0 * hm * static_cast<double>(n) * static_cast<double>(k);
    op.bytes = static_cast<double>(heads) * static_cast<double>(n) * static_cast<double>(k) * prec.weight_bytes() +
               hm * static_cast<double>(k) * prec.gemm_input_bytes() + hm * static_cast<double>(n) * prec.act_bytes();
    op.kernels = 1;  // one batched GEMM
    op.attention = true;
    return op;
}

// Multi-head latent attention as vLLM and SGLang run it. Prefill: the cached latents of the chunk's context are
// up-projected to per-head K and V (kv_b_proj) and attended as ordinary MHA, which is cheaper when many queries share
// each key. Decode: the absorbed form; the query is projected into the latent space (q_absorb), attends to the
// compressed cache as MQA with one 576-wide head (FlashMLA), and the latent output is projected to V (v_absorb), so
// a decode step reads kv_lora_rank + qk_rope_head_dim elements per cached token instead of per-head K and V.
void add_mla_attention_ops(std::vector<Op>& out, const ModelSpec& model, const ShardShape& shard, const Precision& prec,
                           const BatchShape& batch) {
    const MlaSpec& mla = model.mla;
    const double act = prec.act_bytes();
    const auto heads = static_cast<double>(shard.heads);
    const int64_t qk_head = mla.qk_nope_head_dim + mla.qk_rope_head_dim;
    const auto latent = static_cast<double>(mla.latent_dim());
    if (batch.prefill_tokens > 0) {
        Op up = gemm("kv_b_proj", batch.prefill_kv_tokens,
                     static_cast<int64_t>(shard.heads) * (mla.qk_nope_head_dim + mla.v_head_dim), mla.kv_lora_rank,
                     prec, false);
        up.attention = true;
        out.push_back(up);
        Op op;
        op.name = "attn_prefill";
        op.op_class = OpClass::attn_prefill;
        op.dtype = attention_math(prec);
        op.flops = 2.0 * heads * static_cast<double>(qk_head + mla.v_head_dim) * batch.prefill_attn_pairs;
        const auto pt = static_cast<double>(batch.prefill_tokens);
        op.bytes = pt * heads * static_cast<double>(qk_head + mla.v_head_dim) * act +  // Q in, O out
                   static_cast<double>(batch.prefill_kv_tokens) * heads *
                       static_cast<double>(qk_head + mla.v_head_dim) * act +  // up-projected K, V read
                   pt * latent * prec.kv_bytes();                             // new latents written to the cache
        op.m = batch.prefill_tokens;
        op.rows = pt * heads;
        op.attention = true;
        out.push_back(op);
    }
    if (batch.decode_seqs > 0) {
        const int64_t ds = batch.decode_seqs + batch.decode_extra_tokens;  // query rows (verify: several per sequence)
        const auto dsd = static_cast<double>(ds);
        out.push_back(per_head_gemm("q_absorb", shard.heads, ds, mla.kv_lora_rank, mla.qk_nope_head_dim, prec));
        Op op;
        op.name = "attn_decode";
        op.op_class = OpClass::attn_decode;
        op.dtype = attention_math(prec);
        // Scores over the latent and rope parts, values over the latent.
        op.flops = 2.0 * heads * (2.0 * mla.kv_lora_rank + mla.qk_rope_head_dim) *
                   (static_cast<double>(batch.decode_kv_tokens) + batch.decode_extra_pairs);
        op.bytes = static_cast<double>(batch.decode_kv_tokens) * latent * prec.kv_bytes() +  // latent cache read
                   dsd * heads * (latent + mla.kv_lora_rank) * act +                         // query in, output out
                   dsd * latent * prec.kv_bytes();                                           // new latent written
        op.m = ds;
        op.rows = dsd * heads;
        op.attention = true;
        out.push_back(op);
        out.push_back(per_head_gemm("v_absorb", shard.heads, ds, mla.v_head_dim, mla.kv_lora_rank, prec));
    }
}

// The query/key/value projections, norms and rope of one layer before attention.
void add_projection_ops(std::vector<Op>& ops, const ModelSpec& model, const ShardShape& shard, const Precision& prec,
                        int64_t t) {
    const auto td = static_cast<double>(t);
    const int64_t h = model.hidden_size;
    if (model.mla.enabled()) {
        const MlaSpec& mla = model.mla;
        const int64_t qk_head = mla.qk_nope_head_dim + mla.qk_rope_head_dim;
        const int64_t q_local = static_cast<int64_t>(shard.heads) * qk_head;
        // Fused down-projection to the query latent and the KV latent + rope key; replicated on every TP rank.
        const int64_t down_n = (mla.q_lora_rank > 0 ? mla.q_lora_rank : q_local) + mla.latent_dim();
        ops.push_back(gemm("qkv_proj", t, down_n, h, prec, false));
        const double latents = td * static_cast<double>(mla.q_lora_rank + mla.kv_lora_rank);
        ops.push_back(elementwise("mla_norms", latents, latents, 5.0, prec, mla.q_lora_rank > 0 ? 2 : 1));
        if (mla.q_lora_rank > 0) ops.push_back(gemm("q_b_proj", t, q_local, mla.q_lora_rank, prec, false));
        const double rot = td * static_cast<double>(mla.qk_rope_head_dim) * (shard.heads + 1);
        ops.push_back(elementwise("rope", rot, rot, 6.0, prec));
        return;
    }
    const int64_t q_dim = static_cast<int64_t>(shard.heads) * model.head_dim;
    const int64_t kv_dim = static_cast<int64_t>(shard.kv_heads) * model.head_dim;
    ops.push_back(gemm("qkv_proj", t, q_dim + 2 * kv_dim, h, prec, model.attention_bias));
    if (model.qk_norm != QkNorm::none) {
        const double qk = td * static_cast<double>(q_dim + kv_dim);
        ops.push_back(elementwise("qk_norm", qk, qk, 5.0, prec, 2));
    }
    if (model.position == PositionKind::rope) {
        const double rot = td * static_cast<double>(q_dim + kv_dim);
        ops.push_back(elementwise("rope", rot, rot, 6.0, prec));
    }
}

}  // namespace

std::string_view op_layers_name(OpLayers l) {
    switch (l) {
        case OpLayers::all:
            return "all";
        case OpLayers::dense_mlp:
            return "dense";
        case OpLayers::moe_mlp:
            return "moe";
        case OpLayers::global_attention:
            return "global";
        case OpLayers::local_attention:
            return "local";
    }
    return "?";
}

int32_t layers_running(OpLayers l, const StageLayers& stage) {
    switch (l) {
        case OpLayers::all:
            return stage.layers;
        case OpLayers::dense_mlp:
            return stage.layers - stage.moe;
        case OpLayers::moe_mlp:
            return stage.moe;
        case OpLayers::global_attention:
            return stage.layers - stage.local_attention;
        case OpLayers::local_attention:
            return stage.local_attention;
    }
    return 0;
}

void append_attention_ops(std::vector<Op>& out, const ModelSpec& model, const ShardShape& shard, const Precision& prec,
                          const BatchShape& batch) {
    if (model.mla.enabled()) {
        add_mla_attention_ops(out, model, shard, prec, batch);
        return;
    }
    const AttentionWork every{batch.prefill_attn_pairs, batch.prefill_kv_tokens, batch.decode_kv_tokens,
                              batch.decode_extra_pairs};
    if (!model.mixes_attention_layers()) {
        add_head_attention_ops(out, model, shard, prec, batch, every, OpLayers::all);
        return;
    }
    LLMSIM_ASSERT(batch.local_window == model.local_attention.window, "batch built without the model's local window");
    add_head_attention_ops(out, model, shard, prec, batch, every, OpLayers::global_attention);
    const AttentionWork local{batch.local_prefill_attn_pairs, batch.local_prefill_kv_tokens,
                              batch.local_decode_kv_tokens, batch.local_decode_extra_pairs};
    add_head_attention_ops(out, model, shard, prec, batch, local, OpLayers::local_attention);
}

std::vector<Op> build_forward_ops(const ModelSpec& model, const ShardShape& shard, const InferenceParallel& par,
                                  const Precision& prec, const BatchShape& batch) {
    LLMSIM_ASSERT(!batch.empty(), "forward pass over an empty batch");
    std::vector<Op> ops;
    ops.reserve(24);
    const int64_t t = batch.total_tokens();
    const auto td = static_cast<double>(t);
    const int64_t h = model.hidden_size;
    const auto hd = static_cast<double>(h);
    const double act = prec.act_bytes();
    const int64_t attn_out = model.mla.enabled() ? static_cast<int64_t>(shard.heads) * model.mla.v_head_dim
                                                 : static_cast<int64_t>(shard.heads) * model.head_dim;

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
    add_projection_ops(ops, model, shard, prec, t);
    append_attention_ops(ops, model, shard, prec, batch);
    ops.push_back(gemm("o_proj", t, h, attn_out, prec, model.attention_bias));
    if (model.norms_per_layer > 1) ops.push_back(elementwise("post_attn_norm", td * hd, td * hd, 5.0, prec));
    // Gemma 2/3 also normalise the MLP's input and output (four norms per layer).
    if (model.norms_per_layer > 2) ops.push_back(elementwise("pre_mlp_norm", td * hd, td * hd, 5.0, prec));
    add_mlp_ops(ops, model, shard, par, prec, t);
    if (model.norms_per_layer > 3) ops.push_back(elementwise("post_mlp_norm", td * hd, td * hd, 5.0, prec));
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

double MemoryFootprint::kv_bytes_per_sequence(int64_t tokens) const {
    const auto n = static_cast<double>(tokens);
    const double local_tokens = kv_local_window_tokens > 0 ? std::min<double>(n, kv_local_window_tokens) : n;
    return kv_global_bytes_per_token_per_gpu * n + kv_local_bytes_per_token_per_gpu * local_tokens;
}

MemoryFootprint memory_footprint(const ModelSpec& model, const ShardShape& shard, const InferenceParallel& par,
                                 const Precision& prec) {
    const auto tp = static_cast<double>(par.tp);
    double attn = static_cast<double>(model.attention_params_per_layer()) / tp;
    if (model.mla.enabled()) {
        const auto replicated = static_cast<double>(model.attention_replicated_params_per_layer());
        attn = (static_cast<double>(model.attention_params_per_layer()) - replicated) / tp + replicated;
    }
    double mlp = static_cast<double>(model.mlp_params_per_layer()) / tp;
    if (model.moe.enabled()) mlp /= par.ep;  // experts are split across EP ranks (router is small)
    const double norms = static_cast<double>(model.norm_params_per_layer());
    const double per_layer = attn + mlp + norms;
    const double dense_mlp = static_cast<double>(model.dense_mlp_params_per_layer()) / tp;
    const double embed = static_cast<double>(model.embedding_params()) / tp;
    const double head = static_cast<double>(model.lm_head_params()) / tp;
    double worst = 0;
    for (size_t s = 0; s < shard.layers_per_stage.size(); ++s) {
        double params = per_layer * shard.layers_per_stage[s];
        if (model.mixes_mlp_layers()) {
            const StageLayers& k = shard.stage_layers[s];
            params = (attn + norms) * k.layers + mlp * k.moe + dense_mlp * (k.layers - k.moe);
        }
        if (s == 0) params += embed;
        if (s + 1 == shard.layers_per_stage.size()) params += head + (model.tied_embeddings && s != 0 ? embed : 0);
        worst = std::max(worst, params);
    }
    MemoryFootprint f;
    f.weight_bytes_per_gpu = worst * prec.weight_bytes();
    const auto largest = std::max_element(shard.layers_per_stage.begin(), shard.layers_per_stage.end());
    const int32_t max_layers = *largest;
    if (model.mla.enabled()) {
        // Every TP rank keeps the whole latent: it is shared by all heads.
        f.kv_bytes_per_token_per_gpu = static_cast<double>(max_layers) * model.mla.latent_dim() * prec.kv_bytes();
    } else {
        f.kv_bytes_per_token_per_gpu =
            2.0 * max_layers * static_cast<double>(shard.kv_heads) * model.head_dim * prec.kv_bytes();
    }
    const StageLayers& stage = shard.stage_layers[static_cast<size_t>(largest - shard.layers_per_stage.begin())];
    const double per_layer_token = f.kv_bytes_per_token_per_gpu / max_layers;
    f.kv_local_bytes_per_token_per_gpu = per_layer_token * stage.local_attention;
    f.kv_global_bytes_per_token_per_gpu = per_layer_token * (stage.layers - stage.local_attention);
    f.kv_local_window_tokens = model.local_attention.window;
    return f;
}

double activation_workspace_bytes(const ModelSpec& model, const ShardShape& shard, const Precision& prec,
                                  int64_t max_tokens, int64_t max_seqs) {
    const auto t = static_cast<double>(max_tokens);
    const double act = prec.act_bytes();
    const double hidden = static_cast<double>(model.hidden_size);
    const double qkv = static_cast<double>(shard.heads + 2 * shard.kv_heads) * model.head_dim;
    double inter =
        static_cast<double>(model.moe.enabled() ? shard.expert_intermediate * model.moe.top_k : shard.intermediate);
    if (model.mixes_mlp_layers()) inter = std::max(inter, static_cast<double>(shard.intermediate));
    // Live at the MLP peak: residual stream, normed input, fused gate/up output and activation output.
    const double mlp_peak = t * (2 * hidden + 3 * inter) * act;
    const double attn_peak = t * (2 * hidden + 2 * qkv) * act;
    // Logits of the sampled sequences in fp32, plus the sampler's softmax copy.
    const double logits = static_cast<double>(max_seqs) * static_cast<double>(shard.vocab) * 4.0 * 2.0;
    return std::max(mlp_peak, attn_peak) + logits;
}

}  // namespace llmsim::models
