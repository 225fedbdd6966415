#include "sim/cost/forward_cost.hpp"

#include <algorithm>

#include "common/error.hpp"

namespace llmsim::sim {
namespace {

// Time of the ops only some of a stage's layers run.
double kinds_ns(const std::array<double, models::kOpLayerKinds>& kind_ns, const models::StageLayers& stage) {
    double t = 0;
    for (int k = 1; k < models::kOpLayerKinds; ++k)
        t += kind_ns[static_cast<size_t>(k)] * models::layers_running(static_cast<models::OpLayers>(k), stage);
    return t;
}

// The ops of one prefill sequence of `tokens` tokens: outside attention and the LM head, what every batch of that
// many tokens runs.
std::vector<models::Op> token_ops(const Deployment& d, int64_t tokens) {
    models::BatchShape probe;
    probe.set_spans(models::attention_spans(d.model));
    probe.prefill_tokens = tokens;
    probe.prefill_seqs = 1;
    return models::build_forward_ops(d.model, d.shard, d.parallel, d.precision, probe);
}

}  // namespace

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
                                                              execution.all_reduce == AllReduceImpl::custom)),
      mixed_layers_(deployment_.model.mixes_mlp_layers() || deployment_.model.mixes_attention_layers()) {}

hardware::OpCost ForwardCost::price(const models::Op& op) const {
    if (op.op_class == OpClass::collective) return collectives_->price(op);
    if (op.op_class == OpClass::attn_decode && execution_.gqa_packed_decode) {
        const double rows = op.rows / deployment_.shard.heads * deployment_.shard.kv_heads;
        return hardware_.kernel(op.op_class, op.name, op.dtype, op.flops, op.bytes, op.kernels, rows, true);
    }
    hardware::OpCost cost = hardware_.kernel(op.op_class, op.name, op.dtype, op.flops, op.bytes, op.kernels, op.rows);
    if (op.host_bytes > 0) hardware_.overlap_host_transfer(cost, op.host_bytes);
    return cost;
}

ForwardBreakdown ForwardCost::breakdown(const models::BatchShape& batch) const {
    auto ops = models::build_forward_ops(deployment_.model, deployment_.shard, deployment_.parallel,
                                         deployment_.precision, batch);
    // A CUDA-graph replay runs the token-proportional ops at the padded size (attention and the LM head see only
    // the real sequences, as in pass()).
    const int64_t padded = cuda_graph_padded_tokens(batch.total_tokens(), execution_.graph_max_tokens);
    if (padded != batch.total_tokens()) {
        const auto padded_ops = token_ops(deployment_, padded);
        for (auto& op : ops) {
            if (op.op_class == OpClass::attn_prefill || op.op_class == OpClass::attn_decode) continue;
            if (op.scope == models::OpScope::last_stage) continue;
            const auto it = std::find_if(padded_ops.begin(), padded_ops.end(),
                                         [&](const models::Op& p) { return p.name == op.name && p.layers == op.layers; });
            // Decode-only attention work (an offloaded cache's kv_rebuild) has no padded twin: like attention, it
            // sees only the real sequences, as in pass().
            if (op.attention && it == padded_ops.end()) continue;
            LLMSIM_ASSERT(it != padded_ops.end(), "padded pass lacks op " + std::string(op.name));
            op = *it;
        }
    }
    ForwardBreakdown b;
    double first_extra = 0;
    double last_extra = 0;
    std::array<double, models::kOpLayerKinds> kind_ns{};
    for (const auto& op : ops) {
        const auto cost = price(op);
        b.ops.push_back({op, cost});
        switch (op.scope) {
            case models::OpScope::per_layer:
                if (op.layers == models::OpLayers::all) {
                    b.layer_time_ns += cost.time_ns;
                } else {
                    kind_ns[static_cast<size_t>(op.layers)] += cost.time_ns;
                }
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
    double layer_work_ns = 0;  // all layers of all stages
    for (size_t s = 0; s < layers.size(); ++s) {
        double t = b.layer_time_ns * layers[s];
        if (mixed_layers_) t += kinds_ns(kind_ns, deployment_.shard.stage_layers[s]);
        layer_work_ns += t;
        if (s == 0) t += first_extra;
        if (s + 1 == layers.size()) t += last_extra;
        b.stage_time_ns.push_back(t);
        b.forward_time_ns += t;
    }
    if (mixed_layers_) b.layer_time_ns = layer_work_ns / deployment_.model.num_layers;
    b.forward_time_ns += b.pp_transfer_ns * static_cast<double>(layers.size() - 1);
    b.framework_overhead_ns = overhead_.iteration_ns(batch.total_seqs(), batch.total_tokens(), deployment_.gpus());
    if (flash_) b.weight_load_ns = flash_->pass_ns(batch.total_tokens());
    b.total_time_ns = b.forward_time_ns + b.framework_overhead_ns + b.weight_load_ns;
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
    const auto ops = token_ops(deployment_, tokens);
    c.per_layer_ns = 0;
    for (const auto& op : ops) {
        if (op.attention) continue;
        if (op.scope == models::OpScope::last_stage) continue;
        const hardware::OpCost cost = price(op);
        const double t = cost.time_ns;
        switch (op.scope) {
            case models::OpScope::per_layer:
                if (op.layers == models::OpLayers::all) {
                    c.per_layer_ns += t;
                    c.per_layer_compute_ns += cost.compute_ns;
                    c.per_layer_memory_ns += cost.memory_ns;
                    c.per_layer_side_ns += cost.side_ns;
                } else {
                    c.kind_ns[static_cast<size_t>(op.layers)] += t;
                }
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
    probe.set_spans(models::attention_spans(deployment_.model));
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

void ForwardCost::attention_ns(const models::BatchShape& batch, std::array<double, models::kOpLayerKinds>& kind_ns,
                               double& compute_ns, double& memory_ns) {
    // The same ops build_forward_ops lists, into a reused buffer.
    attention_scratch_.clear();
    models::append_attention_ops(attention_scratch_, deployment_.model, deployment_.shard, deployment_.precision,
                                 batch);
    for (const auto& op : attention_scratch_) {
        const hardware::OpCost cost = price(op);
        kind_ns[static_cast<size_t>(op.layers)] += cost.time_ns;
        if (op.layers == models::OpLayers::all) {
            compute_ns += cost.compute_ns;
            memory_ns += cost.memory_ns;
        }
    }
}

std::pair<int64_t, double> ForwardCost::shaped_tokens(const models::BatchShape& batch) const {
    int64_t tokens = batch.total_tokens();
    if (batch.prefill_tokens == 0) return {tokens, 1.0};
    const auto& device = hardware_.device();
    // Static-shape NPU graphs: the token-proportional ops run ceil(tokens / chunk) times at the chunk's shape.
    if (device.npu && device.npu->prefill_chunk_tokens > 0) {
        return {device.npu->prefill_chunk_tokens, static_cast<double>(hardware::npu_prefill_passes(*device.npu, tokens))};
    }
    // An FPGA without length-adaptive compilation runs the next compiled (power-of-two) length.
    if (device.fpga) tokens = hardware::fpga_compiled_tokens(*device.fpga, tokens);
    return {tokens, 1.0};
}

PassCost ForwardCost::pass(const models::BatchShape& batch) {
    const auto [tokens, passes] = shaped_tokens(batch);
    const TokenCosts& tc = token_costs(cuda_graph_padded_tokens(tokens, execution_.graph_max_tokens));
    PassCost p;
    std::array<double, models::kOpLayerKinds> attention{};
    double compute_ns = passes * tc.per_layer_compute_ns;
    double memory_ns = passes * tc.per_layer_memory_ns;
    attention_ns(batch, attention, compute_ns, memory_ns);
    p.attention_ns = attention[static_cast<size_t>(models::OpLayers::all)];
    p.per_layer_ns = passes * tc.per_layer_ns + p.attention_ns;
    if (p.per_layer_ns > 0) {
        p.compute_share = compute_ns / p.per_layer_ns;
        p.memory_share = memory_ns / p.per_layer_ns;
    }
    if (mixed_layers_) {
        for (size_t k = 1; k < p.kind_ns.size(); ++k)
            p.kind_ns[k] = passes * tc.kind_ns[k] + attention[k];
    }
    p.per_layer_side_ns = passes * tc.per_layer_side_ns;
    p.first_stage_extra_ns = passes * tc.first_extra_ns;
    p.last_stage_extra_ns = lm_head_ns(batch.logits_seqs);
    p.boundary_ns = tc.boundary_ns;
    p.overhead_ns = overhead_.iteration_ns(batch.total_seqs(), batch.total_tokens(), deployment_.gpus());
    if (flash_) p.weight_load_ns = flash_->pass_ns(batch.total_tokens());
    return p;
}

double ForwardCost::stage_ns(const PassCost& p, int32_t stage) const {
    const auto& layers = deployment_.shard.layers_per_stage;
    double t = p.per_layer_ns * layers[static_cast<size_t>(stage)];
    if (mixed_layers_) t += kinds_ns(p.kind_ns, deployment_.shard.stage_layers[static_cast<size_t>(stage)]);
    if (stage == 0) t += p.first_stage_extra_ns;
    if (static_cast<size_t>(stage) + 1 == layers.size()) t += p.last_stage_extra_ns;
    return t;
}

double ForwardCost::iteration_ns(const models::BatchShape& batch) {
    const PassCost p = pass(batch);
    double t = p.overhead_ns + p.weight_load_ns;
    const auto stages = static_cast<int32_t>(deployment_.shard.layers_per_stage.size());
    for (int32_t s = 0; s < stages; ++s)
        t += stage_ns(p, s);
    return t + p.boundary_ns * (stages - 1);
}

double ForwardCost::device_ns(const models::BatchShape& batch) {
    const PassCost p = pass(batch);
    double t = p.weight_load_ns;
    const auto stages = static_cast<int32_t>(deployment_.shard.layers_per_stage.size());
    for (int32_t s = 0; s < stages; ++s)
        t += stage_ns(p, s);
    return t + p.boundary_ns * (stages - 1);
}

}  // namespace llmsim::sim
