#include "sim/training/step_cost.hpp"

#include <fmt/format.h>
#include <algorithm>

#include "common/error.hpp"

namespace llmsim::sim {

double PassTime::exposed_total_ns() const {
    double t = 0;
    for (double v : exposed_ns)
        t += v;
    return t;
}

PassTime& PassTime::operator+=(const PassTime& o) {
    compute_ns += o.compute_ns;
    gemm_ns += o.gemm_ns;
    attention_ns += o.attention_ns;
    for (size_t i = 0; i < kCommAxes; ++i) {
        comm_ns[i] += o.comm_ns[i];
        exposed_ns[i] += o.exposed_ns[i];
    }
    return *this;
}

PassTime PassTime::scaled(double f) const {
    PassTime t = *this;
    t.compute_ns *= f;
    t.gemm_ns *= f;
    t.attention_ns *= f;
    for (size_t i = 0; i < kCommAxes; ++i) {
        t.comm_ns[i] *= f;
        t.exposed_ns[i] *= f;
    }
    return t;
}

const PassTime& LayerCosts::recompute(models::Recompute r) const {
    static const PassTime none;
    switch (r) {
        case models::Recompute::none:
            return none;
        case models::Recompute::selective:
            return recompute_selective;
        case models::Recompute::full:
            return recompute_full;
    }
    return none;
}

models::Precision training_precision(DType dtype) {
    models::Precision p;
    switch (dtype) {
        case DType::fp32:
        case DType::tf32:
            p.weights = p.kv_cache = p.activations = DType::fp32;
            p.compute = dtype;
            break;
        case DType::fp16:
        case DType::bf16:
            p.weights = p.compute = p.kv_cache = p.activations = dtype;
            break;
        case DType::fp8:
            p.weights = p.kv_cache = p.activations = DType::bf16;
            p.compute = DType::fp8;
            break;
        case DType::int8:
        case DType::int4:
        case DType::fp4:
            throw UsageError("--dtype", std::string(dtype_name(dtype)) +
                                            " is an inference format; training supports fp32, tf32, bf16, "
                                            "fp16 and fp8");
    }
    return p;
}

StepCostModel::StepCostModel(const models::ModelSpec& model, const hardware::CostModel& hardware,
                             const hardware::CollectiveModel& collectives)
    : model_(model), hardware_(hardware), collectives_(collectives) {}

double StepCostModel::collective_ns(CollectiveKind kind, double bytes, const GroupSpec& group,
                                    hardware::CollectiveAlgo algo, int32_t calls) {
    if (group.size <= 1 || bytes <= 0 || calls <= 0) return 0.0;
    const auto key =
        std::make_tuple(static_cast<int>(kind), bytes, group.first, group.size, group.stride, static_cast<int>(algo));
    auto it = collective_cache_.find(key);
    if (it == collective_cache_.end()) {
        const auto shape = collectives_.topology().group(group.first, group.size, group.stride);
        it = collective_cache_.emplace(key, collectives_.estimate(kind, bytes, shape, algo).time_ns).first;
    }
    return it->second * calls;
}

double StepCostModel::op_ns(const models::TrainingOp& t, const LayoutGroups& groups, hardware::CollectiveAlgo algo,
                            hardware::Bound* bound) {
    const models::Op& op = t.op;
    if (op.op_class == OpClass::collective) {
        if (bound) *bound = hardware::Bound::communication;
        const GroupSpec* g = nullptr;
        switch (t.axis) {
            case models::CommAxis::tp:
                g = &groups.tp;
                break;
            case models::CommAxis::cp:
                g = &groups.cp;
                break;
            case models::CommAxis::ep:
                g = &groups.ep;
                break;
            case models::CommAxis::dp:
                g = &groups.dp;
                break;
            case models::CommAxis::pp:
                g = &groups.pp_pair;
                break;
            case models::CommAxis::none:
                break;
        }
        LLMSIM_ASSERT(g != nullptr, "collective op without a parallel axis");
        return collective_ns(op.collective, op.bytes, *g, algo, op.kernels);
    }
    const hardware::OpCost c =
        hardware_.kernel(op.op_class, op.name, op.dtype, op.flops, op.bytes, op.kernels, op.rows);
    if (bound) *bound = c.bound;
    return c.time_ns;
}

PassTime StepCostModel::price(const std::vector<models::TrainingOp>& ops, const TrainingConfig& cfg, bool backward,
                              bool attention_core_only) {
    const LayoutGroups groups = layout_groups(cfg.parallel);
    PassTime t;
    for (const auto& op : ops) {
        if (attention_core_only && !op.attention_core) continue;
        const double ns = op_ns(op, groups, cfg.collective_algo);
        if (op.op.op_class == OpClass::collective) {
            t.comm_ns[static_cast<size_t>(op.axis)] += ns;
            continue;
        }
        t.compute_ns += ns;
        if (op.op.op_class == OpClass::gemm) t.gemm_ns += ns;
        if (op.op.op_class == OpClass::attn_prefill) t.attention_ns += ns;
    }
    const auto axis = [](models::CommAxis a) { return static_cast<size_t>(a); };
    t.exposed_ns = t.comm_ns;
    // TP (and then EP) collectives hide behind the pass's GEMMs when overlapped; what is left of the GEMM time
    // after TP is the window for EP.
    double window = t.gemm_ns;
    const double tp = t.comm_ns[axis(models::CommAxis::tp)];
    if (cfg.overlap.tp || (backward && cfg.overlap.tp_bwd)) {
        t.exposed_ns[axis(models::CommAxis::tp)] = std::max(0.0, tp - window);
        window = std::max(0.0, window - tp);
    }
    if (cfg.overlap.ep) {
        const double ep = t.comm_ns[axis(models::CommAxis::ep)];
        t.exposed_ns[axis(models::CommAxis::ep)] = std::max(0.0, ep - window);
    }
    if (cfg.overlap.cp && cfg.parallel.cp_kind == models::CpKind::ring) {
        const double cp = t.comm_ns[axis(models::CommAxis::cp)];
        t.exposed_ns[axis(models::CommAxis::cp)] = std::max(0.0, cp - t.attention_ns);
    }
    return t;
}

const LayerCosts& StepCostModel::layer_costs(const TrainingConfig& cfg) {
    const auto& p = cfg.parallel;
    const auto& s = cfg.shape;
    const auto& o = cfg.overlap;
    const std::string key = fmt::format(
        "{}/{}/{}/{}/{}/{}/{}/{}/{}/{}/{}/{}/{}/{}{}{}{}{}{}{}/{}", p.tp, p.cp, p.ep, static_cast<int>(p.cp_kind),
        p.sp(), s.micro_batch, s.seq_len, static_cast<int>(s.attention), s.dropout, s.capacity_factor,
        s.grad_accum_fusion, static_cast<int>(s.grad_dtype), static_cast<int>(cfg.dtype), o.dp, o.zero, o.tp, o.tp_bwd,
        o.cp, o.ep, o.pp, static_cast<int>(cfg.collective_algo));
    if (auto it = layer_cache_.find(key); it != layer_cache_.end()) return *it->second;

    const models::Precision prec = training_precision(cfg.dtype);
    const models::ShardShape shard = models::shard_for_training(model_, p);
    const models::TrainingLayerOps layer = models::build_training_layer_ops(model_, shard, p, prec, s);
    const models::TrainingEdgeOps edge = models::build_training_edge_ops(model_, shard, p, prec, s);
    auto c = std::make_unique<LayerCosts>();
    c->forward = price(layer.forward, cfg, false, false);
    c->backward = price(layer.backward, cfg, true, false);
    c->recompute_full = c->forward;
    c->recompute_selective = price(layer.forward, cfg, false, true);
    c->first_forward = price(edge.first_forward, cfg, false, false);
    c->first_backward = price(edge.first_backward, cfg, true, false);
    c->last_forward = price(edge.last_forward, cfg, false, false);
    c->last_backward = price(edge.last_backward, cfg, true, false);
    // Stage boundary tensors are sharded over TP (sequence parallelism, or Megatron's scatter/gather optimisation
    // without it), so each GPU sends 1/tp of the activation.
    c->p2p_bytes =
        static_cast<double>(s.local_tokens(p)) * static_cast<double>(model_.hidden_size) * prec.act_bytes() / p.tp;
    return *layer_cache_.emplace(key, std::move(c)).first->second;
}

double StepCostModel::p2p_ns(const TrainingConfig& cfg) {
    if (cfg.parallel.pp <= 1) return 0.0;
    const LayerCosts& c = layer_costs(cfg);
    return collective_ns(CollectiveKind::send_recv, c.p2p_bytes, layout_groups(cfg.parallel).pp_pair,
                         cfg.collective_algo);
}

std::vector<OpTime> StepCostModel::explain(const TrainingConfig& cfg, bool backward) {
    const models::Precision prec = training_precision(cfg.dtype);
    const models::ShardShape shard = models::shard_for_training(model_, cfg.parallel);
    const models::TrainingLayerOps layer =
        models::build_training_layer_ops(model_, shard, cfg.parallel, prec, cfg.shape);
    const LayoutGroups groups = layout_groups(cfg.parallel);
    std::vector<OpTime> out;
    for (const auto& op : backward ? layer.backward : layer.forward) {
        OpTime t;
        t.op = op;
        t.time_ns = op_ns(op, groups, cfg.collective_algo, &t.bound);
        out.push_back(t);
    }
    return out;
}

}  // namespace llmsim::sim
