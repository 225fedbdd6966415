#include "sim/cost/forward_cost.hpp"

#include <algorithm>

#include "common/error.hpp"

namespace llmsim::sim {

Deployment make_deployment(const models::ModelSpec& model, const models::InferenceParallel& par,
                           const models::Precision& prec, const hardware::DeviceSpec& device) {
    Deployment d;
    d.model = model;
    d.parallel = par;
    d.precision = prec;
    d.shard = models::shard_model(model, par);
    (void)device.peak(prec.compute, "--dtype");  // throws with the supported list
    return d;
}

ForwardCost::ForwardCost(Deployment deployment, hardware::CostModel hardware, FrameworkOverhead overhead,
                         KernelExecution execution)
    : deployment_(std::move(deployment)),
      hardware_(execution.memory_efficiency_ceiling > 0
                    ? hardware.with_memory_ceiling(execution.memory_efficiency_ceiling)
                    : std::move(hardware)),
      overhead_(std::move(overhead)),
      execution_(execution),
      collectives_(std::make_shared<const ReplicaCollectives>(hardware_.device(), deployment_.parallel,
                                                              execution.all_reduce == AllReduceImpl::custom)) {}

double ForwardCost::decode_rows_per_seq() const {
    return execution_.gqa_packed_decode ? deployment_.shard.kv_heads : deployment_.shard.heads;
}

hardware::OpCost ForwardCost::price(const models::Op& op) const {
    if (op.op_class == OpClass::collective) return collectives_->price(op);
    if (op.op_class == OpClass::attn_decode && execution_.gqa_packed_decode) {
        const double rows = op.rows / deployment_.shard.heads * deployment_.shard.kv_heads;
        return hardware_.kernel(op.op_class, op.name, op.dtype, op.flops, op.bytes, op.kernels, rows, true);
    }
    return hardware_.kernel(op.op_class, op.name, op.dtype, op.flops, op.bytes, op.kernels, op.rows);
}

ForwardBreakdown ForwardCost::breakdown(const models::BatchShape& batch) const {
    auto ops = models::build_forward_ops(deployment_.model, deployment_.shard, deployment_.parallel,
                                         deployment_.precision, batch);
    // A CUDA-graph replay runs the token-proportional ops at the padded size (attention and the LM head see only
    // the real sequences, as in pass()).
    const int64_t padded = cuda_graph_padded_tokens(batch.total_tokens(), execution_.graph_max_tokens);
    if (padded != batch.total_tokens()) {
        models::BatchShape probe;
        probe.prefill_tokens = padded;
        probe.prefill_seqs = 1;
        const auto padded_ops = models::build_forward_ops(deployment_.model, deployment_.shard, deployment_.parallel,
                                                          deployment_.precision, probe);
        for (auto& op : ops) {
            if (op.op_class == OpClass::attn_prefill || op.op_class == OpClass::attn_decode) continue;
            if (op.scope == models::OpScope::last_stage) continue;
            const auto it = std::find_if(padded_ops.begin(), padded_ops.end(),
                                         [&](const models::Op& p) { return p.name == op.name; });
            LLMSIM_ASSERT(it != padded_ops.end(), "padded pass lacks op " + std::string(op.name));
            op = *it;
        }
    }
    ForwardBreakdown b;
    double first_extra = 0;
    double last_extra = 0;
    for (const auto& op : ops) {
        const auto cost = price(op);
        b.ops.push_back({op, cost});
        switch (op.scope) {
            case models::OpScope::per_layer:
                b.layer_time_ns += cost.time_ns;
                break;
            case models::OpScope::first_stage:
                first_extra += cost.time_ns;
                break;
            case models::OpScope::last_stage:
                last_extra += cost.time_ns;
                break;
            case models::OpScope::stage_boundary:
                b.pp_transfer_ns += cost.time_ns;
                break;
        }
    }
    const auto& layers = deployment_.shard.layers_per_stage;
    for (size_t s = 0; s < layers.size(); ++s) {
        double t = b.layer_time_ns * layers[s];
        if (s == 0) t += first_extra;
        if (s + 1 == layers.size()) t += last_extra;
        b.stage_time_ns.push_back(t);
        b.forward_time_ns += t;
    }
    b.forward_time_ns += b.pp_transfer_ns * static_cast<double>(layers.size() - 1);
    b.framework_overhead_ns = overhead_.iteration_ns(batch.total_seqs(), batch.total_tokens(), deployment_.gpus());
    b.total_time_ns = b.forward_time_ns + b.framework_overhead_ns;
    return b;
}

const ForwardCost::TokenCosts& ForwardCost::token_costs(int64_t tokens) {
    LLMSIM_ASSERT(tokens > 0, "token count must be positive");
    if (static_cast<size_t>(tokens) >= by_tokens_.size()) {
        by_tokens_.resize(std::max<size_t>(static_cast<size_t>(tokens) + 1, by_tokens_.size() * 2));
    }
    TokenCosts& c = by_tokens_[static_cast<size_t>(tokens)];
    if (c.per_layer_ns >= 0) return c;
    // A decode-only batch of `tokens` sequences has exactly the non-attention ops of any batch with that many
    // tokens; attention and the LM head are priced separately.
    models::BatchShape probe;
    probe.prefill_tokens = tokens;
    probe.prefill_seqs = 1;
    const auto ops = models::build_forward_ops(deployment_.model, deployment_.shard, deployment_.parallel,
                                               deployment_.precision, probe);
    c.per_layer_ns = 0;
    for (const auto& op : ops) {
        if (op.op_class == OpClass::attn_prefill || op.op_class == OpClass::attn_decode) continue;
        if (op.scope == models::OpScope::last_stage) continue;
        const double t = price(op).time_ns;
        switch (op.scope) {
            case models::OpScope::per_layer:
                c.per_layer_ns += t;
                break;
            case models::OpScope::first_stage:
                c.first_extra_ns += t;
                break;
            case models::OpScope::stage_boundary:
                c.boundary_ns += t;
                break;
            case models::OpScope::last_stage:
                break;
        }
    }
    return c;
}

double ForwardCost::lm_head_ns(int32_t seqs) {
    if (seqs <= 0) return 0.0;
    if (static_cast<size_t>(seqs) >= lm_head_by_seqs_.size()) {
        lm_head_by_seqs_.resize(std::max<size_t>(static_cast<size_t>(seqs) + 1, lm_head_by_seqs_.size() * 2), -1.0);
    }
    double& v = lm_head_by_seqs_[static_cast<size_t>(seqs)];
    if (v >= 0) return v;
    models::BatchShape probe;
    probe.prefill_tokens = seqs;
    probe.prefill_seqs = 1;
    probe.logits_seqs = seqs;
    v = 0;
    for (const auto& op : models::build_forward_ops(deployment_.model, deployment_.shard, deployment_.parallel,
                                                    deployment_.precision, probe)) {
        if (op.scope == models::OpScope::last_stage) v += price(op).time_ns;
    }
    return v;
}

double ForwardCost::attention_ns(const models::BatchShape& batch) const {
    // Same formulas as build_forward_ops' attention entries, without building the list.
    const auto& m = deployment_.model;
    const auto& shard = deployment_.shard;
    const auto& prec = deployment_.precision;
    const double q_dim = static_cast<double>(shard.heads) * m.head_dim;
    const double kv_token_bytes = 2.0 * shard.kv_heads * m.head_dim * prec.kv_bytes();
    const double flops_per_pair = 4.0 * m.head_dim * shard.heads;
    const DType math = prec.attention_math();
    double t = 0;
    if (batch.prefill_tokens > 0) {
        const auto pt = static_cast<double>(batch.prefill_tokens);
        const double bytes = pt * q_dim * prec.act_bytes() * 2 +
                             static_cast<double>(batch.prefill_kv_tokens) * kv_token_bytes + pt * kv_token_bytes;
        t += hardware_
                 .kernel(OpClass::attn_prefill, "attn_prefill", math, flops_per_pair * batch.prefill_attn_pairs, bytes,
                         1, pt * shard.heads)
                 .time_ns;
    }
    if (batch.decode_seqs > 0) {
        const auto ds = static_cast<double>(batch.decode_seqs);
        const double bytes = static_cast<double>(batch.decode_kv_tokens) * kv_token_bytes +
                             ds * q_dim * prec.act_bytes() * 2 + ds * kv_token_bytes;
        t += hardware_
                 .kernel(OpClass::attn_decode, "attn_decode", math,
                         flops_per_pair * static_cast<double>(batch.decode_kv_tokens), bytes, 1,
                         ds * decode_rows_per_seq(), execution_.gqa_packed_decode)
                 .time_ns;
    }
    return t;
}

PassCost ForwardCost::pass(const models::BatchShape& batch) {
    const TokenCosts& tc = token_costs(cuda_graph_padded_tokens(batch.total_tokens(), execution_.graph_max_tokens));
    PassCost p;
    p.attention_ns = attention_ns(batch);
    p.per_layer_ns = tc.per_layer_ns + p.attention_ns;
    p.first_stage_extra_ns = tc.first_extra_ns;
    p.last_stage_extra_ns = lm_head_ns(batch.logits_seqs);
    p.boundary_ns = tc.boundary_ns;
    p.overhead_ns = overhead_.iteration_ns(batch.total_seqs(), batch.total_tokens(), deployment_.gpus());
    return p;
}

double ForwardCost::stage_ns(const PassCost& p, int32_t stage) const {
    const auto& layers = deployment_.shard.layers_per_stage;
    double t = p.per_layer_ns * layers[static_cast<size_t>(stage)];
    if (stage == 0) t += p.first_stage_extra_ns;
    if (static_cast<size_t>(stage) + 1 == layers.size()) t += p.last_stage_extra_ns;
    return t;
}

double ForwardCost::iteration_ns(const models::BatchShape& batch) {
    const PassCost p = pass(batch);
    double t = p.overhead_ns;
    const auto stages = static_cast<int32_t>(deployment_.shard.layers_per_stage.size());
    for (int32_t s = 0; s < stages; ++s)
        t += stage_ns(p, s);
    return t + p.boundary_ns * (stages - 1);
}

}  // namespace llmsim::sim
