#include "models/training_ops.hpp"

#include <algorithm>
#include <array>
#include <string>

#include "common/enum_names.hpp"
#include "common/error.hpp"

namespace llmsim::models {

std::string_view recompute_name(Recompute r) {
    switch (r) {
        case Recompute::none:
            return "none";
        case Recompute::selective:
            return "selective";
        case Recompute::full:
            return "full";
    }
    return "?";
}

std::optional<Recompute> recompute_from_name(std::string_view name) {
    return enum_from_name(name, std::array{Recompute::none, Recompute::selective, Recompute::full}, recompute_name);
}

std::string_view attention_impl_name(AttentionImpl a) {
    return a == AttentionImpl::flash ? "flash" : "unfused";
}

std::optional<AttentionImpl> attention_impl_from_name(std::string_view name) {
    return enum_from_name(name, std::array{AttentionImpl::flash, AttentionImpl::unfused}, attention_impl_name);
}

std::string_view cp_kind_name(CpKind k) {
    return k == CpKind::ring ? "ring" : "ulysses";
}

std::optional<CpKind> cp_kind_from_name(std::string_view name) {
    return enum_from_name(name, std::array{CpKind::ring, CpKind::ulysses}, cp_kind_name);
}

std::string_view comm_axis_name(CommAxis a) {
    switch (a) {
        case CommAxis::none:
            return "none";
        case CommAxis::tp:
            return "tp";
        case CommAxis::cp:
            return "cp";
        case CommAxis::ep:
            return "ep";
        case CommAxis::dp:
            return "dp";
        case CommAxis::pp:
            return "pp";
    }
    return "?";
}

ShardShape shard_for_training(const ModelSpec& model, const TrainingParallel& par) {
    if (par.cp < 1) throw UsageError("--cp", "must be >= 1, got " + std::to_string(par.cp));
    if (par.dp < 1) throw UsageError("--dp", "must be >= 1, got " + std::to_string(par.dp));
    // The training op list is one layer repeated; latent attention and mixed dense/MoE stacks would be mispriced.
    if (model.mla.enabled() || model.mixes_mlp_layers()) {
        throw UsageError("--model", model.id + ": training is not modelled for " +
                                        (model.mla.enabled() ? "multi-head latent attention (MLA)"
                                                             : "models that mix dense and MoE layers") +
                                        " (serving is); choose a model with uniform layers");
    }
    ShardShape s = shard_model(model, par.sharding());
    if (par.cp > 1 && par.cp_kind == CpKind::ulysses && s.heads % par.cp != 0) {
        throw UsageError("--cp", "Ulysses context parallelism needs the " + std::to_string(s.heads) +
                                     " attention heads per TP rank to be divisible by cp " + std::to_string(par.cp));
    }
    return s;
}

namespace {

// Everything the op builders need, with the per-GPU sizes precomputed once.
struct Ctx {
    const ModelSpec& m;
    const ShardShape& sh;
    const TrainingParallel& par;
    const Precision& prec;
    const TrainingShape& shape;
    double t = 0;      // tokens of this GPU's micro-batch slice (b x s / cp)
    double tn = 0;     // tokens in sequence-parallel regions (t / tp with SP)
    double h = 0;      // hidden size
    double q = 0;      // local query width (heads x head_dim)
    double kv = 0;     // local key (= value) width
    double inter = 0;  // local dense MLP width
    double gate = 1;   // 2 for gated MLPs (gate + up)
    double a = 2;      // activation bytes
    double gin = 2;    // GEMM input bytes (fp8 GEMMs read fp8 operands)
    double grad = 4;   // gradient buffer bytes
};

Ctx make_ctx(const ModelSpec& m, const ShardShape& sh, const TrainingParallel& par, const Precision& prec,
             const TrainingShape& shape) {
    Ctx c{m, sh, par, prec, shape};
    c.t = static_cast<double>(shape.local_tokens(par));
    c.tn = par.sp() ? c.t / par.tp : c.t;
    c.h = static_cast<double>(m.hidden_size);
    c.q = static_cast<double>(sh.heads) * m.head_dim;
    c.kv = static_cast<double>(sh.kv_heads) * m.head_dim;
    c.inter = static_cast<double>(sh.intermediate);
    c.gate = m.mlp == MlpKind::gated ? 2.0 : 1.0;
    c.a = prec.act_bytes();
    c.gin = prec.gemm_input_bytes();
    c.grad = dtype_bytes(shape.grad_dtype);
    return c;
}

TrainingOp gemm(const Ctx& c, std::string_view name, double m, double n, double k, bool bias, double rows = 1) {
    TrainingOp t;
    Op& op = t.op;
    op.name = name;
    op.op_class = OpClass::gemm;
    op.dtype = c.prec.compute;
    op.m = static_cast<int64_t>(m);
    op.n = static_cast<int64_t>(n);
    op.k = static_cast<int64_t>(k);
    op.flops = 2.0 * m * n * k;
    op.bytes = n * k * c.gin + m * k * c.gin + m * n * c.a + (bias ? n * c.a : 0.0);
    op.rows = rows;
    return t;
}

// dX[m,k] = dY[m,n] x W[n,k]
TrainingOp dgrad(const Ctx& c, std::string_view name, double m, double n, double k, double rows = 1) {
    TrainingOp t = gemm(c, name, m, k, n, false, rows);
    t.op.bytes = m * n * c.gin + n * k * c.gin + m * k * c.a;
    return t;
}

// dW[n,k] = dY^T x X; fused accumulation reads and writes the gradient buffer in its own type.
TrainingOp wgrad(const Ctx& c, std::string_view name, double m, double n, double k, double rows = 1) {
    TrainingOp t = gemm(c, name, n, k, m, false, rows);
    const double dw = c.shape.grad_accum_fusion ? 2.0 * c.grad : c.a;
    t.op.bytes = m * n * c.gin + m * k * c.gin + n * k * dw;
    return t;
}

TrainingOp elementwise(const Ctx& c, std::string_view name, double bytes, double flops, int32_t kernels = 1) {
    TrainingOp t;
    t.op.name = name;
    t.op.op_class = OpClass::elementwise;
    t.op.dtype = c.prec.activations;
    t.op.bytes = bytes;
    t.op.flops = flops;
    t.op.kernels = kernels;
    return t;
}

TrainingOp collective(const Ctx& c, std::string_view name, CollectiveKind kind, double bytes, int32_t group,
                      CommAxis axis, int32_t calls = 1) {
    TrainingOp t;
    t.op.name = name;
    t.op.op_class = OpClass::collective;
    t.op.dtype = c.prec.activations;
    t.op.collective = kind;
    t.op.bytes = bytes;
    t.op.group_size = group;
    t.op.kernels = calls;
    t.axis = axis;
    return t;
}

using Ops = std::vector<TrainingOp>;

// Sequence-parallel entry into a TP region: all-gather (SP) or nothing (the backward all-reduces instead).
void tp_enter_fwd(const Ctx& c, Ops& ops) {
    if (c.par.sp()) {
        ops.push_back(
            collective(c, "tp_all_gather", CollectiveKind::all_gather, c.t * c.h * c.a, c.par.tp, CommAxis::tp));
    }
}
void tp_exit_fwd(const Ctx& c, Ops& ops) {
    if (c.par.tp <= 1) return;
    if (c.par.sp()) {
        ops.push_back(collective(c, "tp_reduce_scatter", CollectiveKind::reduce_scatter, c.t * c.h * c.a, c.par.tp,
                                 CommAxis::tp));
    } else {
        ops.push_back(
            collective(c, "tp_all_reduce", CollectiveKind::all_reduce, c.t * c.h * c.a, c.par.tp, CommAxis::tp));
    }
}
// Backward mirrors: the exit's gradient is all-gathered (SP) or passes through; the entry's is reduced.
void tp_exit_bwd(const Ctx& c, Ops& ops) {
    if (c.par.sp()) {
        ops.push_back(
            collective(c, "tp_all_gather", CollectiveKind::all_gather, c.t * c.h * c.a, c.par.tp, CommAxis::tp));
    }
}
void tp_enter_bwd(const Ctx& c, Ops& ops) {
    tp_exit_fwd(c, ops);
}
// With SP the wgrad GEMM needs the full input again: Megatron saves the sharded input and re-gathers it.
void tp_regather_input(const Ctx& c, Ops& ops) {
    if (c.par.sp()) {
        ops.push_back(
            collective(c, "tp_all_gather", CollectiveKind::all_gather, c.t * c.h * c.a, c.par.tp, CommAxis::tp));
    }
}

double norm_flops_per_element(const Ctx& c) {
    return c.m.norm == NormKind::layernorm ? 5.0 : 4.0;
}

TrainingOp norm_fwd(const Ctx& c, std::string_view name) {
    return elementwise(c, name, 2 * c.tn * c.h * c.a, norm_flops_per_element(c) * c.tn * c.h);
}
TrainingOp norm_bwd(const Ctx& c, std::string_view name) {
    // Reads input and output gradient, writes the input gradient (weight gradients reduce in the same pass).
    return elementwise(c, name, 3 * c.tn * c.h * c.a, 2 * norm_flops_per_element(c) * c.tn * c.h);
}
// Bias + dropout + residual add (Megatron's fused kernel); the mask is a byte per element.
TrainingOp residual_fwd(const Ctx& c) {
    const double mask = c.shape.dropout ? c.tn * c.h : 0.0;
    return elementwise(c, "residual_add", 3 * c.tn * c.h * c.a + mask, 2 * c.tn * c.h);
}
TrainingOp residual_bwd(const Ctx& c) {
    const double mask = c.shape.dropout ? c.tn * c.h : 0.0;
    return elementwise(c, "residual_add_bwd", 2 * c.tn * c.h * c.a + mask, c.tn * c.h);
}

// Causal (query, key) pairs and heads this GPU's attention kernel covers.
struct AttentionWork {
    double pairs = 0;  // per head
    double heads = 0;
    double q_tokens = 0;    // query tokens
    double key_tokens = 0;  // keys read
};

AttentionWork attention_work(const Ctx& c) {
    const double b = c.shape.micro_batch;
    const auto s = static_cast<double>(c.shape.seq_len);
    AttentionWork w;
    w.heads = c.sh.heads;
    const double causal = b * s * (s + 1) / 2;
    if (c.par.cp > 1 && c.par.cp_kind == CpKind::ulysses) {
        // All-to-all turns the sequence shard into a head shard: full sequence, heads / cp.
        w.heads /= c.par.cp;
        w.pairs = causal;
        w.q_tokens = b * s;
    } else {
        // Ring attention with Megatron's load-balanced chunking: every rank gets 1/cp of the causal pairs.
        w.pairs = causal / c.par.cp;
        w.q_tokens = c.t;
    }
    w.key_tokens = b * s;
    return w;
}

// One FlashAttention kernel with the context-parallel traffic around it: Ulysses swaps sequence for head sharding
// before the kernel and back after it; ring attention passes K/V blocks on over cp - 1 steps while it computes.
struct FlashPass {
    std::string_view name;
    double flops_factor = 1;  // against the forward's 4 d FLOPs per (query, key) pair and head
    double tensors = 2;       // head-width tensors moved per query token, and of K/V width per key token
    double ulysses_before_bytes = 0;
    double ulysses_after_bytes = 0;
    double ring_step_bytes = 0;
};

void flash_attention(const Ctx& c, Ops& ops, DType math, const FlashPass& p) {
    const double d = c.m.head_dim;
    const AttentionWork w = attention_work(c);
    const double kv_w = std::max(1.0, c.kv / d * w.heads / c.sh.heads) * d;
    const bool ulysses = c.par.cp > 1 && c.par.cp_kind == CpKind::ulysses;
    if (ulysses) {
        ops.push_back(
            collective(c, "cp_all_to_all", CollectiveKind::all_to_all, p.ulysses_before_bytes, c.par.cp, CommAxis::cp));
    }
    if (c.par.cp > 1 && c.par.cp_kind == CpKind::ring) {
        ops.push_back(collective(c, "cp_kv_send_recv", CollectiveKind::send_recv, p.ring_step_bytes, c.par.cp,
                                 CommAxis::cp, c.par.cp - 1));
    }
    TrainingOp op;
    op.op.name = p.name;
    op.op.op_class = OpClass::attn_prefill;
    op.op.dtype = math;
    op.op.flops = p.flops_factor * 4.0 * d * w.heads * w.pairs;
    op.op.bytes = (p.tensors * w.q_tokens * w.heads * d + w.key_tokens * p.tensors * kv_w) * c.a;
    op.op.m = static_cast<int64_t>(w.q_tokens);
    op.op.rows = w.q_tokens * w.heads;
    ops.push_back(op);
    if (ulysses) {
        ops.push_back(
            collective(c, "cp_all_to_all", CollectiveKind::all_to_all, p.ulysses_after_bytes, c.par.cp, CommAxis::cp));
    }
}

void attention_core_fwd(const Ctx& c, Ops& ops) {
    const size_t first = ops.size();
    const double d = c.m.head_dim;
    const DType math = c.prec.compute == DType::fp8 ? c.prec.activations : c.prec.compute;  // attention in 16-bit
    if (c.shape.attention == AttentionImpl::flash) {
        // Each of the cp - 1 ring steps passes this rank's K and V on while the previous block is computed.
        flash_attention(c, ops, math,
                        {.name = "attn_fwd",
                         .ulysses_before_bytes = c.t * (c.q + 2 * c.kv) * c.a,
                         .ulysses_after_bytes = c.t * c.q * c.a,
                         .ring_step_bytes = c.t * 2 * c.kv * c.a});
    } else {
        // Megatron 2021 core attention: QK^T and PV as batched GEMMs over the full s x s scores, fused
        // scale-mask-softmax, then dropout on the probabilities. Context parallelism is rejected for it upstream.
        const double b = c.shape.micro_batch;
        const auto s = static_cast<double>(c.shape.seq_len);
        const double scores = b * c.sh.heads * s * s;
        TrainingOp qk = gemm(c, "attn_qk", s, s, d, false);
        qk.op.flops = 2.0 * scores * d;
        qk.op.bytes = c.t * (c.q + c.kv) * c.a + scores * c.a;
        ops.push_back(qk);
        ops.push_back(elementwise(c, "attn_softmax", 2 * scores * c.a, 5 * scores));
        if (c.shape.dropout) ops.push_back(elementwise(c, "attn_dropout", 2 * scores * c.a + scores, scores));
        TrainingOp pv = gemm(c, "attn_pv", s, d, s, false);
        pv.op.flops = 2.0 * scores * d;
        pv.op.bytes = scores * c.a + c.t * (c.kv + c.q) * c.a;
        ops.push_back(pv);
    }
    for (size_t i = first; i < ops.size(); ++i) {
        ops[i].attention_core = true;
        if (ops[i].op.op_class == OpClass::gemm) ops[i].op.dtype = math;
    }
}

void attention_core_bwd(const Ctx& c, Ops& ops) {
    const double d = c.m.head_dim;
    const DType math = c.prec.compute == DType::fp8 ? c.prec.activations : c.prec.compute;
    if (c.shape.attention == AttentionImpl::flash) {
        // FlashAttention-2 backward: five GEMM-like products against two forward (2.5x the FLOPs), twice the tensors.
        // K, V travel the ring again and their gradients travel back.
        flash_attention(c, ops, math,
                        {.name = "attn_bwd",
                         .flops_factor = 2.5,
                         .tensors = 4,
                         .ulysses_before_bytes = c.t * c.q * c.a,
                         .ulysses_after_bytes = c.t * (c.q + 2 * c.kv) * c.a,
                         .ring_step_bytes = c.t * 4 * c.kv * c.a});
        return;
    }
    const double b = c.shape.micro_batch;
    const auto s = static_cast<double>(c.shape.seq_len);
    const double scores = b * c.sh.heads * s * s;
    auto bmm = [&](std::string_view name, double bytes) {
        TrainingOp op = gemm(c, name, s, s, d, false);
        op.op.dtype = math;
        op.op.flops = 2.0 * scores * d;
        op.op.bytes = bytes;
        ops.push_back(op);
    };
    bmm("attn_pv_dgrad", c.t * (c.q + c.kv) * c.a + scores * c.a);  // dP = dO V^T
    bmm("attn_pv_wgrad", scores * c.a + c.t * (c.q + c.kv) * c.a);  // dV = P^T dO
    if (c.shape.dropout) ops.push_back(elementwise(c, "attn_dropout_bwd", 2 * scores * c.a + scores, scores));
    ops.push_back(elementwise(c, "attn_softmax_bwd", 3 * scores * c.a, 3 * scores));
    bmm("attn_qk_dgrad", scores * c.a + c.t * (c.kv + c.q) * c.a);  // dQ = dS K
    bmm("attn_qk_wgrad", scores * c.a + c.t * (c.q + c.kv) * c.a);  // dK = dS^T Q
}

double rope_elements(const Ctx& c) {
    return c.t * (c.q + c.kv);
}

void attention_block_fwd(const Ctx& c, Ops& ops) {
    ops.push_back(norm_fwd(c, "input_norm"));
    tp_enter_fwd(c, ops);
    ops.push_back(gemm(c, "qkv_proj", c.t, c.q + 2 * c.kv, c.h, c.m.attention_bias));
    if (c.m.position == PositionKind::rope) {
        ops.push_back(elementwise(c, "rope", 2 * rope_elements(c) * c.a, 6 * rope_elements(c)));
    }
    attention_core_fwd(c, ops);
    ops.push_back(gemm(c, "o_proj", c.t, c.h, c.q, c.m.attention_bias));
    if (!c.m.parallel_residual) {
        tp_exit_fwd(c, ops);
        ops.push_back(residual_fwd(c));
    }
}

void attention_block_bwd(const Ctx& c, Ops& ops) {
    if (!c.m.parallel_residual) {
        ops.push_back(residual_bwd(c));
        tp_exit_bwd(c, ops);
    }
    ops.push_back(dgrad(c, "o_proj_dgrad", c.t, c.h, c.q));
    ops.push_back(wgrad(c, "o_proj_wgrad", c.t, c.h, c.q));
    attention_core_bwd(c, ops);
    if (c.m.position == PositionKind::rope) {
        ops.push_back(elementwise(c, "rope_bwd", 2 * rope_elements(c) * c.a, 6 * rope_elements(c)));
    }
    ops.push_back(dgrad(c, "qkv_proj_dgrad", c.t, c.q + 2 * c.kv, c.h));
    tp_regather_input(c, ops);
    ops.push_back(wgrad(c, "qkv_proj_wgrad", c.t, c.q + 2 * c.kv, c.h));
    tp_enter_bwd(c, ops);
    ops.push_back(norm_bwd(c, "input_norm_bwd"));
}

// MoE token counts on this GPU: routed assignments after EP exchange, padded to the capacity factor.
struct MoeWork {
    double assignments = 0;  // token-expert pairs computed here (with TP-sharded experts: all of the TP group's)
    double exchanged = 0;    // tokens x k this GPU sends in one all-to-all
    double local_experts = 1;
    double expert_inter = 0;
};

MoeWork moe_work(const Ctx& c) {
    MoeWork w;
    const double k = c.m.moe.top_k;
    w.assignments = c.t * k * c.shape.capacity_factor;
    w.exchanged = c.tn * k * c.shape.capacity_factor;
    w.local_experts = std::max<double>(1, c.sh.local_experts);
    w.expert_inter = static_cast<double>(c.sh.expert_intermediate);
    return w;
}

void dense_mlp_fwd(const Ctx& c, Ops& ops, double tokens, double inter, std::string_view up, std::string_view act,
                   std::string_view down, double rows = 1) {
    ops.push_back(gemm(c, up, tokens, inter * c.gate, c.h, c.m.mlp_bias, rows));
    const double elems = tokens * inter;
    ops.push_back(elementwise(c, act, (c.gate + 1) * elems * c.a, 8 * elems));
    ops.push_back(gemm(c, down, tokens, c.h, inter, c.m.mlp_bias, rows));
}

void dense_mlp_bwd(const Ctx& c, Ops& ops, double tokens, double inter, std::string_view down_d,
                   std::string_view down_w, std::string_view act, std::string_view up_d, std::string_view up_w,
                   double rows = 1, bool regather = false) {
    ops.push_back(dgrad(c, down_d, tokens, c.h, inter, rows));
    ops.push_back(wgrad(c, down_w, tokens, c.h, inter, rows));
    const double elems = tokens * inter;
    ops.push_back(elementwise(c, act, (2 * c.gate + 1) * elems * c.a, 10 * elems));
    ops.push_back(dgrad(c, up_d, tokens, inter * c.gate, c.h, rows));
    if (regather) tp_regather_input(c, ops);
    ops.push_back(wgrad(c, up_w, tokens, inter * c.gate, c.h, rows));
}

// Tokens to their experts (both passes): the EP all-to-all, then with sequence parallelism the all-gather of the
// expert inputs.
void moe_dispatch(const Ctx& c, const MoeWork& w, Ops& ops) {
    if (c.par.ep > 1) {
        ops.push_back(collective(c, "ep_all_to_all", CollectiveKind::all_to_all, w.exchanged * c.h * c.a, c.par.ep,
                                 CommAxis::ep));
    }
    if (c.par.sp()) {
        ops.push_back(collective(c, "tp_all_gather", CollectiveKind::all_gather, w.assignments * c.h * c.a, c.par.tp,
                                 CommAxis::tp));
    }
}

// And back from them: the reduce-scatter, then the all-to-all.
void moe_combine(const Ctx& c, const MoeWork& w, Ops& ops) {
    if (c.par.sp()) {
        ops.push_back(collective(c, "tp_reduce_scatter", CollectiveKind::reduce_scatter, w.assignments * c.h * c.a,
                                 c.par.tp, CommAxis::tp));
    }
    if (c.par.ep > 1) {
        ops.push_back(collective(c, "ep_all_to_all", CollectiveKind::all_to_all, w.exchanged * c.h * c.a, c.par.ep,
                                 CommAxis::ep));
    }
}

void moe_fwd(const Ctx& c, Ops& ops) {
    const MoeWork w = moe_work(c);
    const double e = c.m.moe.num_experts;
    ops.push_back(gemm(c, "moe_router", c.tn, e, c.h, false));
    ops.push_back(elementwise(c, "moe_permute", (c.tn + w.exchanged) * c.h * c.a, 0));
    moe_dispatch(c, w, ops);
    dense_mlp_fwd(c, ops, w.assignments, w.expert_inter, "moe_up_proj", "moe_act", "moe_down_proj", w.local_experts);
    moe_combine(c, w, ops);
    ops.push_back(elementwise(c, "moe_unpermute", (c.tn + w.exchanged) * c.h * c.a, w.exchanged * c.h));
    if (c.m.moe.shared_experts > 0) {
        const double inter = static_cast<double>(c.m.moe.shared_experts) * w.expert_inter;
        tp_enter_fwd(c, ops);
        dense_mlp_fwd(c, ops, c.t, inter, "shared_up_proj", "shared_act", "shared_down_proj");
        tp_exit_fwd(c, ops);
    }
}

void moe_bwd(const Ctx& c, Ops& ops) {
    const MoeWork w = moe_work(c);
    const double e = c.m.moe.num_experts;
    if (c.m.moe.shared_experts > 0) {
        const double inter = static_cast<double>(c.m.moe.shared_experts) * w.expert_inter;
        tp_exit_bwd(c, ops);
        dense_mlp_bwd(c, ops, c.t, inter, "shared_down_dgrad", "shared_down_wgrad", "shared_act_bwd", "shared_up_dgrad",
                      "shared_up_wgrad", 1, true);
        tp_enter_bwd(c, ops);
    }
    ops.push_back(elementwise(c, "moe_unpermute_bwd", (c.tn + w.exchanged) * c.h * c.a, 0));
    moe_dispatch(c, w, ops);
    dense_mlp_bwd(c, ops, w.assignments, w.expert_inter, "moe_down_dgrad", "moe_down_wgrad", "moe_act_bwd",
                  "moe_up_dgrad", "moe_up_wgrad", w.local_experts);
    moe_combine(c, w, ops);
    ops.push_back(elementwise(c, "moe_permute_bwd", (c.tn + w.exchanged) * c.h * c.a, w.exchanged * c.h));
    ops.push_back(dgrad(c, "moe_router_dgrad", c.tn, e, c.h));
    ops.push_back(wgrad(c, "moe_router_wgrad", c.tn, e, c.h));
}

void mlp_block_fwd(const Ctx& c, Ops& ops) {
    if (!c.m.parallel_residual) {
        if (c.m.norms_per_layer > 1) ops.push_back(norm_fwd(c, "post_attn_norm"));
        if (!c.m.moe.enabled()) tp_enter_fwd(c, ops);
    }
    if (c.m.moe.enabled()) {
        moe_fwd(c, ops);
    } else {
        dense_mlp_fwd(c, ops, c.t, c.inter, "mlp_up_proj", "mlp_act", "mlp_down_proj");
        // A parallel block sums the attention and MLP partial outputs and leaves the TP region once (the layer does).
        if (!c.m.parallel_residual) tp_exit_fwd(c, ops);
    }
    ops.push_back(residual_fwd(c));
}

void mlp_block_bwd(const Ctx& c, Ops& ops) {
    ops.push_back(residual_bwd(c));
    if (c.m.moe.enabled()) {
        moe_bwd(c, ops);
    } else {
        if (!c.m.parallel_residual) tp_exit_bwd(c, ops);
        // A parallel block's MLP shares the attention's input: the QKV weight gradient's re-gather serves both.
        dense_mlp_bwd(c, ops, c.t, c.inter, "mlp_down_dgrad", "mlp_down_wgrad", "mlp_act_bwd", "mlp_up_dgrad",
                      "mlp_up_wgrad", 1, !c.m.parallel_residual);
    }
    if (!c.m.parallel_residual) {
        if (!c.m.moe.enabled()) tp_enter_bwd(c, ops);
        if (c.m.norms_per_layer > 1) ops.push_back(norm_bwd(c, "post_attn_norm_bwd"));
    }
}

// Unfused gradient accumulation: each weight gradient is added into the gradient buffer after its GEMM.
void grad_accumulation(const Ctx& c, Ops& ops, double params, int32_t tensors) {
    if (c.shape.grad_accum_fusion || params <= 0) return;
    ops.push_back(elementwise(c, "grad_accumulate", params * (c.a + 2 * c.grad), params, tensors));
}

double layer_params_local(const ModelSpec& m, const ShardShape& sh, const TrainingParallel& par) {
    const TrainingParams p = training_params_per_gpu(m, sh, par);
    return p.dense_per_layer + p.expert_per_layer;
}

}  // namespace

TrainingLayerOps build_training_layer_ops(const ModelSpec& model, const ShardShape& shard, const TrainingParallel& par,
                                          const Precision& prec, const TrainingShape& shape) {
    LLMSIM_ASSERT(shape.micro_batch >= 1 && shape.seq_len >= 1, "empty micro-batch");
    const Ctx c = make_ctx(model, shard, par, prec, shape);
    TrainingLayerOps out;
    out.forward.reserve(32);
    out.backward.reserve(48);
    attention_block_fwd(c, out.forward);
    mlp_block_fwd(c, out.forward);
    if (model.parallel_residual) tp_exit_fwd(c, out.forward);

    if (model.parallel_residual) tp_exit_bwd(c, out.backward);
    mlp_block_bwd(c, out.backward);
    attention_block_bwd(c, out.backward);
    grad_accumulation(c, out.backward, layer_params_local(model, shard, par), model.moe.enabled() ? 8 : 6);
    return out;
}

TrainingEdgeOps build_training_edge_ops(const ModelSpec& model, const ShardShape& shard, const TrainingParallel& par,
                                        const Precision& prec, const TrainingShape& shape) {
    const Ctx c = make_ctx(model, shard, par, prec, shape);
    TrainingEdgeOps out;
    const double vocab = static_cast<double>(shard.vocab);
    const double positions = model.position == PositionKind::learned ? 2 * c.t * c.h * c.a : 0.0;
    {
        TrainingOp emb;
        emb.op.name = "embedding";
        emb.op.op_class = OpClass::embedding;
        emb.op.dtype = prec.activations;
        emb.op.bytes = c.t * c.h * (prec.weight_bytes() + c.a) + positions;
        out.first_forward.push_back(emb);
        tp_exit_fwd(c, out.first_forward);  // vocab-parallel embedding: partial rows summed over TP
        if (shape.dropout)
            out.first_forward.push_back(
                elementwise(c, "embedding_dropout", 2 * c.tn * c.h * c.a + c.tn * c.h, c.tn * c.h));
    }
    {
        if (shape.dropout)
            out.first_backward.push_back(
                elementwise(c, "embedding_dropout_bwd", 2 * c.tn * c.h * c.a + c.tn * c.h, c.tn * c.h));
        tp_exit_bwd(c, out.first_backward);
        // Scatter-add of token gradients into the embedding gradient rows.
        TrainingOp op = elementwise(c, "embedding_bwd", c.t * c.h * (c.a + 2 * c.grad) + positions, c.t * c.h);
        op.op.op_class = OpClass::embedding;
        out.first_backward.push_back(op);
    }
    {
        auto& f = out.last_forward;
        f.push_back(norm_fwd(c, "final_norm"));
        tp_enter_fwd(c, f);
        f.push_back(gemm(c, "lm_head", c.t, vocab, c.h, false));
        // Vocab-parallel cross-entropy in fp32: max, exp and sum passes; exp(logits) kept for backward.
        f.push_back(elementwise(c, "cross_entropy", c.t * vocab * (c.a + 16), 5 * c.t * vocab, 4));
        if (par.tp > 1) {
            f.push_back(collective(c, "tp_all_reduce", CollectiveKind::all_reduce, c.t * 4, par.tp, CommAxis::tp, 3));
        }
    }
    {
        auto& b = out.last_backward;
        b.push_back(elementwise(c, "cross_entropy_bwd", c.t * vocab * (4 + c.a), 2 * c.t * vocab));
        b.push_back(dgrad(c, "lm_head_dgrad", c.t, vocab, c.h));
        tp_regather_input(c, b);
        b.push_back(wgrad(c, "lm_head_wgrad", c.t, vocab, c.h));
        tp_enter_bwd(c, b);
        b.push_back(norm_bwd(c, "final_norm_bwd"));
        grad_accumulation(c, b, vocab * c.h, 1);
    }
    return out;
}

TrainingParams training_params_per_gpu(const ModelSpec& model, const ShardShape& shard, const TrainingParallel& par) {
    const auto h = static_cast<double>(model.hidden_size);
    const double q = static_cast<double>(shard.heads) * model.head_dim;
    const double kv = static_cast<double>(shard.kv_heads) * model.head_dim;
    TrainingParams p;
    double attn = h * (q + 2 * kv) + q * h;
    if (model.attention_bias) attn += q + 2 * kv + h;
    const double gate = model.mlp == MlpKind::gated ? 2.0 : 1.0;
    auto mlp = [&](double inter) { return (gate + 1) * h * inter + (model.mlp_bias ? gate * inter + h : 0.0); };
    p.dense_per_layer = attn + static_cast<double>(model.norm_params_per_layer());
    if (model.moe.enabled()) {
        const auto inter = static_cast<double>(shard.expert_intermediate);
        p.dense_per_layer += h * model.moe.num_experts + model.moe.shared_experts * mlp(inter);
        p.expert_per_layer = shard.local_experts * mlp(inter);
    } else {
        p.dense_per_layer += mlp(static_cast<double>(shard.intermediate));
    }
    const auto vocab = static_cast<double>(shard.vocab);
    p.embedding =
        vocab * h + (model.position == PositionKind::learned ? static_cast<double>(model.max_position) * h : 0);
    const double final_norm = h * (model.norm == NormKind::layernorm ? 2 : 1);
    // Tied embeddings need a copy of the table on the last stage when it is not the first (Megatron).
    const bool needs_head = !model.tied_embeddings || par.pp > 1;
    p.lm_head = (needs_head ? vocab * h : 0.0) + final_norm;
    return p;
}

LayerActivations layer_activation_bytes(const ModelSpec& model, const ShardShape& shard, const TrainingParallel& par,
                                        const Precision& prec, const TrainingShape& shape) {
    const Ctx c = make_ctx(model, shard, par, prec, shape);
    const double mask = shape.dropout ? 1.0 : 0.0;  // bytes per element of a dropout mask
    LayerActivations out;
    // Attention block: norm input, QKV input (both sharded under SP), the core's saved tensors, O-proj input,
    // dropout mask.
    double attn = 2 * c.tn * c.h * c.a + mask * c.tn * c.h;
    double core = 0;
    if (shape.attention == AttentionImpl::unfused) {
        const double scores = static_cast<double>(shape.micro_batch) * shard.heads *
                              static_cast<double>(shape.seq_len) * static_cast<double>(shape.seq_len);
        attn += c.t * (c.q + 2 * c.kv) * c.a + c.t * c.q * c.a;            // Q, K, V; context (O-proj input)
        core = scores * c.a + (shape.dropout ? scores * (c.a + 1) : 0.0);  // softmax out, dropout mask and out
    } else {
        attn += c.t * (c.q + 2 * c.kv) * c.a + c.t * c.q * c.a;  // Q, K, V; O (also the O-proj input)
        core = c.t * shard.heads * 4.0;                          // fp32 log-sum-exp per query and head
    }
    // MLP block: norm input, up-proj input, activation input, down-proj input, dropout mask.
    double mlp = (model.norms_per_layer > 1 ? c.tn * c.h * c.a : 0.0) + mask * c.tn * c.h;
    if (model.moe.enabled()) {
        const MoeWork w = moe_work(c);
        mlp += c.tn * c.h * c.a + c.tn * model.moe.num_experts * 4.0;  // router input, routing probabilities
        mlp += w.assignments * c.h * c.a + w.assignments * w.expert_inter * (c.gate + 1) * c.a;
        if (model.moe.shared_experts > 0) {
            mlp += c.t * static_cast<double>(model.moe.shared_experts) * w.expert_inter * (c.gate + 1) * c.a;
        }
    } else {
        mlp += c.tn * c.h * c.a + c.t * c.inter * (c.gate + 1) * c.a;
    }
    out.attention_core_bytes = core;
    out.full_bytes = attn + core + mlp;
    out.selective_bytes = attn + mlp;
    out.input_bytes = c.tn * c.h * c.a;
    return out;
}

double stored_activation_bytes(const LayerActivations& a, Recompute r) {
    switch (r) {
        case Recompute::none:
            return a.full_bytes;
        case Recompute::selective:
            return a.selective_bytes;
        case Recompute::full:
            return a.input_bytes;
    }
    return a.full_bytes;
}

TrainingFlops training_flops_per_token(const ModelSpec& model, int64_t seq_len, Recompute r) {
    const auto h = static_cast<double>(model.hidden_size);
    const auto q = static_cast<double>(model.q_dim());
    const auto kv = static_cast<double>(model.kv_dim());
    const double gate = model.mlp == MlpKind::gated ? 2.0 : 1.0;
    double weights = h * (q + 2 * kv) + q * h;  // GEMM weights a token passes through, per layer
    if (model.moe.enabled()) {
        const auto inter = static_cast<double>(model.moe.expert_intermediate);
        weights += h * model.moe.num_experts + (model.moe.top_k + model.moe.shared_experts) * (gate + 1) * h * inter;
    } else {
        weights += (gate + 1) * h * static_cast<double>(model.intermediate_size);
    }
    const double attention = 4.0 * static_cast<double>(seq_len) * q;  // QK^T and PV over s keys
    const double layer_fwd = 2.0 * weights + attention;
    const double head_fwd = 2.0 * h * static_cast<double>(model.vocab_size);
    TrainingFlops f;
    f.model_per_token = 3.0 * (model.num_layers * layer_fwd + head_fwd);
    switch (r) {
        case Recompute::none:
            f.recompute_per_token = 0;
            break;
        case Recompute::selective:
            f.recompute_per_token = model.num_layers * attention;
            break;
        case Recompute::full:
            f.recompute_per_token = model.num_layers * layer_fwd;
            break;
    }
    return f;
}

}  // namespace llmsim::models
