#include "sim/training/training_sim.hpp"

#include <algorithm>
#include <cmath>

#include "common/error.hpp"
#include "sim/engine/sim_time.hpp"
#include "sim/training/chunked_dp_overlap.hpp"
#include "sim/training/layout_rules.hpp"
#include "sim/training/pipeline_dag.hpp"

namespace llmsim::sim {

namespace {

// Adds ZeRO's per-micro-batch gathers (`ag`, forward and backward) and gradient reduce-scatter (`rs`, backward) to
// a forward/backward pass pair; what is overlapped hides behind that pass's compute.
void add_zero_exposure(PassTime& f, PassTime& b, double ag, double rs, bool hide_gather, bool hide_reduce) {
    const auto dp = static_cast<size_t>(models::CommAxis::dp);
    f.comm_ns[dp] += ag;
    f.exposed_ns[dp] += hide_gather ? std::max(0.0, ag - f.compute_ns) : ag;
    b.comm_ns[dp] += ag + rs;
    const double window = b.compute_ns;
    if (hide_gather && hide_reduce) {
        b.exposed_ns[dp] += std::max(0.0, ag + rs - window);
    } else {
        b.exposed_ns[dp] +=
            (hide_gather ? std::max(0.0, ag - window) : ag) + (hide_reduce ? std::max(0.0, rs - window) : rs);
    }
}

}  // namespace

struct TrainingSimulator::Plan {
    StageLayout stages;
    const ScheduleInfo* schedule = nullptr;
    int32_t m = 1;
    std::vector<PassTime> forward;   // per virtual stage, one micro-batch
    std::vector<PassTime> backward;  // includes recomputation
    double p2p_ns = 0;
    std::vector<double> dp_ns;         // per rank, after the pipeline: exposed gradient reduce + parameter gather
    std::vector<double> pp_post_ns;    // per rank: tied-embedding gradient sync
    std::vector<double> optimizer_ns;  // per rank
    MemoryBreakdown memory;
    models::TrainingParams params;

    [[nodiscard]] double post_ns(int32_t r) const {
        const auto i = static_cast<size_t>(r);
        return dp_ns[i] + pp_post_ns[i] + optimizer_ns[i];
    }
    [[nodiscard]] double rank_pass_ns(int32_t r, bool backward_pass) const {
        double t = 0;
        for (int32_t c = 0; c < stages.vpp; ++c) {
            const auto vs = static_cast<size_t>(c * stages.pp + r);
            t += backward_pass ? backward[vs].total_ns() : forward[vs].total_ns();
        }
        return t;
    }
    // Point-to-point sends a rank makes per micro-batch (one per chunk boundary it feeds, each direction).
    [[nodiscard]] int32_t sends_per_microbatch(int32_t r) const {
        int32_t n = 0;
        for (int32_t c = 0; c < stages.vpp; ++c) {
            const int32_t vs = c * stages.pp + r;
            n += (vs + 1 < stages.stages() ? 1 : 0) + (vs > 0 ? 1 : 0);
        }
        return n;
    }
};

// The post-pipeline reduce and gather of rank r split by model chunk and overlapped as MegaScale does.
ChunkDpExposure TrainingSimulator::chunk_dp(const TrainingConfig& cfg, const Plan& pl, int32_t r,
                                            const LayoutGroups& groups, double grad_bytes, double param_bytes) {
    const int32_t stages = pl.stages.stages();
    std::vector<ChunkDp> chunks;
    for (int32_t c = 0; c < pl.stages.vpp; ++c) {
        const int32_t vs = c * pl.stages.pp + r;
        const double layers = pl.stages.layers[static_cast<size_t>(vs)];
        double dense = layers * pl.params.dense_per_layer;
        const double expert = layers * pl.params.expert_per_layer;
        if (vs == 0) dense += pl.params.embedding;
        if (vs == stages - 1) dense += pl.params.lm_head;
        auto both = [&](CollectiveKind kind, double per_param) {
            return costs_->collective_ns(kind, dense * per_param, groups.dp, cfg.collective_algo) +
                   costs_->collective_ns(kind, expert * per_param, groups.expert_dp, cfg.collective_algo);
        };
        ChunkDp k;
        k.forward_ns = pl.forward[static_cast<size_t>(vs)].total_ns();
        k.backward_ns = pl.backward[static_cast<size_t>(vs)].total_ns();
        if (cfg.zero <= 1)
            k.reduce_ns = both(cfg.zero == 0 ? CollectiveKind::all_reduce : CollectiveKind::reduce_scatter, grad_bytes);
        if (cfg.zero == 1 || cfg.zero == 2) k.gather_ns = both(CollectiveKind::all_gather, param_bytes);
        chunks.push_back(k);
    }
    return chunked_dp_exposure(chunks, pl.stages.pp);
}

TrainingSimulator::TrainingSimulator(models::ModelSpec model, hardware::DeviceSpec device,
                                     hardware::TopologySpec topology, int32_t gpus, std::vector<ScheduleInfo> schedules)
    : model_(std::move(model)), device_(std::move(device)), gpus_(gpus), schedules_(std::move(schedules)) {
    topology_ = std::make_unique<hardware::Topology>(topology, gpus);
    hardware_ = std::make_unique<hardware::CostModel>(device_);
    collectives_ = std::make_unique<hardware::CollectiveModel>(device_, *topology_);
    costs_ = std::make_unique<StepCostModel>(model_, *hardware_, *collectives_);
}

TrainingSimulator::~TrainingSimulator() = default;

TrainingSimulator::Plan TrainingSimulator::plan(const TrainingConfig& cfg) {
    const auto& p = cfg.parallel;
    Plan pl;
    pl.stages = make_stage_layout(model_.num_layers, p.pp, p.vpp);
    pl.schedule = &lookup_schedule(schedules_, cfg.schedule);
    pl.m = cfg.microbatches();
    const LayerCosts& lc = costs_->layer_costs(cfg);
    pl.p2p_ns = costs_->p2p_ns(cfg);
    const models::ShardShape shard = models::shard_for_training(model_, p);
    pl.params = models::training_params_per_gpu(model_, shard, p);
    const LayoutGroups groups = layout_groups(p);
    const ModelStateBytes bytes = model_state_bytes_per_param(cfg.dtype, cfg.shape.grad_dtype);
    const double param_bytes = training_precision(cfg.dtype).weight_bytes();
    const auto algo = cfg.collective_algo;

    // ZeRO collectives inside each micro-batch (stage 3: parameter all-gathers for forward and backward and
    // gradient reduce-scatters; stage 2: gradient reduce-scatters), hidden behind the pass's compute if overlapped.
    auto zero_parts = [&](double dense, double expert, PassTime& f, PassTime& b) {
        if (cfg.zero < 2) return;
        auto both = [&](CollectiveKind kind, double per_param) {
            return costs_->collective_ns(kind, dense * per_param, groups.dp, algo) +
                   costs_->collective_ns(kind, expert * per_param, groups.expert_dp, algo);
        };
        const double rs = both(CollectiveKind::reduce_scatter, bytes.gradients);
        const double ag = cfg.zero >= 3 ? both(CollectiveKind::all_gather, param_bytes) : 0.0;
        add_zero_exposure(f, b, ag, rs, cfg.overlap.zero, cfg.zero >= 3 ? cfg.overlap.zero : cfg.overlap.dp);
    };

    const int32_t stages = pl.stages.stages();
    pl.forward.resize(static_cast<size_t>(stages));
    pl.backward.resize(static_cast<size_t>(stages));
    const PassTime& recompute = lc.recompute(cfg.recompute);
    PassTime layer_b = lc.backward;
    layer_b += recompute;
    PassTime layer_f = lc.forward;
    zero_parts(pl.params.dense_per_layer, pl.params.expert_per_layer, layer_f, layer_b);
    for (int32_t vs = 0; vs < stages; ++vs) {
        const double layers = pl.stages.layers[static_cast<size_t>(vs)];
        PassTime f = layer_f.scaled(layers);
        PassTime b = layer_b.scaled(layers);
        if (vs == 0) {
            PassTime ef = lc.first_forward;
            PassTime eb = lc.first_backward;
            zero_parts(pl.params.embedding, 0, ef, eb);
            f += ef;
            b += eb;
        }
        if (vs == stages - 1) {
            PassTime ef = lc.last_forward;
            PassTime eb = lc.last_backward;
            zero_parts(pl.params.lm_head, 0, ef, eb);
            f += ef;
            b += eb;
        }
        pl.forward[static_cast<size_t>(vs)] = f;
        pl.backward[static_cast<size_t>(vs)] = b;
    }

    // After the pipeline: data-parallel gradient reduction (ZeRO 0/1), parameter all-gather (ZeRO 1/2), the
    // tied-embedding gradient sync between the first and last stage, and the optimizer on the local shard.
    pl.dp_ns.assign(static_cast<size_t>(p.pp), 0);
    pl.pp_post_ns.assign(static_cast<size_t>(p.pp), 0);
    pl.optimizer_ns.assign(static_cast<size_t>(p.pp), 0);
    const double dense_shard = static_cast<double>(p.dp) * p.cp;
    const double expert_shard = dense_shard / p.ep;
    for (int32_t r = 0; r < p.pp; ++r) {
        const double layers = pl.stages.layers_on_rank(r);
        double dense = layers * pl.params.dense_per_layer;
        const double expert = layers * pl.params.expert_per_layer;
        if (pl.stages.has_embedding(r)) dense += pl.params.embedding;
        if (pl.stages.has_lm_head(r)) dense += pl.params.lm_head;
        double reduce = 0;
        double gather = 0;
        if (cfg.zero <= 1) {
            const auto kind = cfg.zero == 0 ? CollectiveKind::all_reduce : CollectiveKind::reduce_scatter;
            reduce = costs_->collective_ns(kind, dense * bytes.gradients, groups.dp, algo) +
                     costs_->collective_ns(kind, expert * bytes.gradients, groups.expert_dp, algo);
        }
        if (cfg.zero == 1 || cfg.zero == 2) {
            gather = costs_->collective_ns(CollectiveKind::all_gather, dense * param_bytes, groups.dp, algo) +
                     costs_->collective_ns(CollectiveKind::all_gather, expert * param_bytes, groups.expert_dp, algo);
        }
        if (cfg.overlap.dp_chunks && reduce + gather > 0) {
            const ChunkDpExposure e = chunk_dp(cfg, pl, r, groups, bytes.gradients, param_bytes);
            reduce = e.reduce_ns;
            gather = e.gather_ns;
        } else {
            if (cfg.overlap.dp && reduce > 0) {
                // Buckets reduce while the last micro-batch's backward runs; the last bucket is always exposed.
                const double tail = reduce * std::min(1.0, cfg.dp_bucket_params / std::max(1.0, dense + expert));
                reduce = std::max(tail, reduce - pl.rank_pass_ns(r, true));
            }
            if (cfg.overlap.zero && gather > 0) gather = std::max(0.0, gather - pl.rank_pass_ns(r, false));
        }
        pl.dp_ns[static_cast<size_t>(r)] = reduce + gather;

        if (model_.tied_embeddings && p.pp > 1 && (r == 0 || r == p.pp - 1)) {
            pl.pp_post_ns[static_cast<size_t>(r)] = costs_->collective_ns(
                CollectiveKind::all_reduce, static_cast<double>(shard.vocab) * model_.hidden_size * bytes.gradients,
                groups.embed_pair, algo);
        }
        const bool shard_opt = cfg.zero >= 1;
        const double local = dense / (shard_opt ? dense_shard : 1.0) + expert / (shard_opt ? expert_shard : 1.0);
        // Adam: read/write fp32 master, m and v; read the gradient (and once more for the norm); write the
        // 16-bit parameter.
        const double per_param = 24.0 + 2 * bytes.gradients + param_bytes;
        pl.optimizer_ns[static_cast<size_t>(r)] =
            hardware_
                ->kernel(OpClass::elementwise, "optimizer", DType::fp32, 12.0 * local, per_param * local,
                         1 + static_cast<int32_t>(layers))
                .time_ns;
    }

    MemoryInputs mem;
    mem.model = &model_;
    mem.config = &cfg;
    mem.stages = &pl.stages;
    mem.schedule = pl.schedule;
    mem.params = pl.params;
    const models::Precision prec = training_precision(cfg.dtype);
    mem.activations = models::layer_activation_bytes(model_, shard, p, prec, cfg.shape);
    mem.logits_bytes =
        static_cast<double>(cfg.shape.local_tokens(p)) * static_cast<double>(shard.vocab) * (prec.act_bytes() + 8.0);
    pl.memory = peak_memory(mem);
    return pl;
}

TrainingResult TrainingSimulator::finish(const TrainingConfig& cfg, const Plan& pl,
                                         const std::vector<double>& rank_finish_s,
                                         const std::vector<double>& rank_busy_s, int32_t busiest,
                                         double bubble_fraction) {
    const auto& p = cfg.parallel;
    TrainingResult r;
    r.config = cfg;
    r.gpus = gpus_;
    r.microbatches = pl.m;
    double step = 0;
    for (int32_t k = 0; k < p.pp; ++k)
        step = std::max(step, rank_finish_s[static_cast<size_t>(k)] + pl.post_ns(k) * 1e-9);
    r.step_time_s = step;
    r.bubble_fraction = bubble_fraction;
    r.critical_rank = busiest;

    // Breakdown of the busiest rank.
    const double m = pl.m;
    TimeBreakdown& t = r.time;
    PassTime sum;
    for (int32_t c = 0; c < p.vpp; ++c) {
        const auto vs = static_cast<size_t>(c * p.pp + busiest);
        sum += pl.forward[vs];
        sum += pl.backward[vs];
    }
    sum = sum.scaled(m);
    auto exposed = [&](models::CommAxis a) { return sum.exposed_ns[static_cast<size_t>(a)] * 1e-9; };
    t.compute_s = sum.compute_ns * 1e-9;
    t.tp_comm_s = exposed(models::CommAxis::tp);
    t.cp_comm_s = exposed(models::CommAxis::cp);
    t.ep_comm_s = exposed(models::CommAxis::ep);
    const double sends = cfg.overlap.pp ? 0.0 : m * pl.sends_per_microbatch(busiest) * pl.p2p_ns;
    t.pp_comm_s = (sends + pl.pp_post_ns[static_cast<size_t>(busiest)]) * 1e-9;
    t.dp_comm_s = exposed(models::CommAxis::dp) + pl.dp_ns[static_cast<size_t>(busiest)] * 1e-9;
    t.optimizer_s = pl.optimizer_ns[static_cast<size_t>(busiest)] * 1e-9;
    const double busy = rank_busy_s[static_cast<size_t>(busiest)] + pl.post_ns(busiest) * 1e-9;
    t.bubble_s = std::max(0.0, step - busy);

    r.tokens_per_step = static_cast<double>(cfg.global_batch) * static_cast<double>(cfg.shape.seq_len);
    r.tokens_per_s = r.tokens_per_step / step;
    r.tokens_per_s_per_gpu = r.tokens_per_s / gpus_;
    const models::TrainingFlops f = models::training_flops_per_token(model_, cfg.shape.seq_len, cfg.recompute);
    r.model_flops_per_step = f.model_per_token * r.tokens_per_step;
    r.hardware_flops_per_step = (f.model_per_token + f.recompute_per_token) * r.tokens_per_step;
    r.model_tflops_per_gpu = r.model_flops_per_step / step / gpus_ / 1e12;
    r.hardware_tflops_per_gpu = r.hardware_flops_per_step / step / gpus_ / 1e12;
    r.peak_tflops_per_gpu = device_.peak(cfg.dtype) / 1e12;
    r.mfu = r.model_tflops_per_gpu / r.peak_tflops_per_gpu;
    r.hfu = r.hardware_tflops_per_gpu / r.peak_tflops_per_gpu;

    r.memory = pl.memory;
    r.memory_capacity_bytes = device_.memory_bytes;
    r.fits = pl.memory.total_bytes() <= device_.memory_bytes;
    r.params_total = static_cast<double>(model_.param_count());
    r.stage_p2p_ms = pl.p2p_ns * 1e-6;

    const LayoutGroups g = layout_groups(p);
    auto spans_nodes = [&](const GroupSpec& s) { return topology_->group(s.first, s.size, s.stride).inter_node(); };
    if (p.tp > 1 && spans_nodes(g.tp)) r.notes.push_back("the TP group spans nodes (tp > GPUs per node)");
    if (p.cp > 1 && spans_nodes(g.cp)) r.notes.push_back("the CP group spans nodes");
    if (p.ep > 1 && spans_nodes(g.ep)) r.notes.push_back("the EP group spans nodes");
    if (model_.position != models::PositionKind::learned && cfg.shape.seq_len > model_.max_position) {
        r.notes.push_back("--seq-len exceeds the model's trained context (" + std::to_string(model_.max_position) +
                          ")");
    }
    return r;
}

TrainingResult TrainingSimulator::simulate(const TrainingConfig& cfg) {
    validate_training_layout(model_, cfg, gpus_, schedules_);
    (void)device_.peak(cfg.dtype, "--dtype");
    const Plan pl = plan(cfg);
    PipelineTimes times;
    times.pp = cfg.parallel.pp;
    times.vpp = cfg.parallel.vpp;
    times.microbatches = pl.m;
    for (int32_t vs = 0; vs < pl.stages.stages(); ++vs) {
        times.forward_ns.push_back(seconds_to_ns(pl.forward[static_cast<size_t>(vs)].total_ns() * 1e-9));
        times.backward_ns.push_back(seconds_to_ns(pl.backward[static_cast<size_t>(vs)].total_ns() * 1e-9));
    }
    times.p2p_ns = seconds_to_ns(pl.p2p_ns * 1e-9);
    times.p2p_blocks_sender = !cfg.overlap.pp;
    const auto orders = pl.schedule->build(cfg.parallel.pp, pl.m, cfg.parallel.vpp);
    const PipelineResult pr = simulate_pipeline(orders, times);
    std::vector<double> busy;
    std::vector<double> finish_s;
    for (auto b : pr.busy_ns)
        busy.push_back(static_cast<double>(b) * 1e-9);
    for (auto f : pr.finish_ns)
        finish_s.push_back(static_cast<double>(f) * 1e-9);
    TrainingResult r = finish(cfg, pl, finish_s, busy, pr.busiest_rank, pr.bubble_fraction);
    r.from_dag = true;
    r.dag_events = pr.events;
    return r;
}

TrainingResult TrainingSimulator::estimate(const TrainingConfig& cfg) {
    const Plan pl = plan(cfg);
    const auto& p = cfg.parallel;
    // Exact for uniform stages and no transfer delay: every rank is busy m x (F + B) and the pipeline adds
    // (pp - 1) chunk times of fill and drain (Narayanan et al. 2021, section 2.2).
    std::vector<double> busy(static_cast<size_t>(p.pp), 0);
    double longest_chunk = 0;
    int32_t busiest = 0;
    const double p2p = pl.p2p_ns;
    for (int32_t r = 0; r < p.pp; ++r) {
        double b = pl.m * (pl.rank_pass_ns(r, false) + pl.rank_pass_ns(r, true));
        if (!cfg.overlap.pp) b += static_cast<double>(pl.m) * pl.sends_per_microbatch(r) * p2p;
        busy[static_cast<size_t>(r)] = b * 1e-9;
        if (busy[static_cast<size_t>(r)] > busy[static_cast<size_t>(busiest)]) busiest = r;
        for (int32_t c = 0; c < p.vpp; ++c) {
            const auto vs = static_cast<size_t>(c * p.pp + r);
            longest_chunk = std::max(longest_chunk, pl.forward[vs].total_ns() + pl.backward[vs].total_ns());
        }
    }
    const double fill = (p.pp - 1) * (longest_chunk + 2 * p2p) * 1e-9;
    const double pipeline = busy[static_cast<size_t>(busiest)] + fill;
    const std::vector<double> finish_s(static_cast<size_t>(p.pp), pipeline);
    return finish(cfg, pl, finish_s, busy, busiest, pipeline > 0 ? fill / pipeline : 0.0);
}

}  // namespace llmsim::sim
