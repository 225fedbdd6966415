#include "tools/bench/serve/real_serving.hpp"

#include <algorithm>
#include <chrono>
#include <memory>
#include <thread>

#include "common/error.hpp"
#include "policies/scheduler/scheduler.hpp"
#include "sim/serving/batch.hpp"
#include "sim/serving/kv_block_manager.hpp"
#include "sim/serving/request_progress.hpp"

namespace llmsim::bench {
namespace {

using Clock = std::chrono::steady_clock;

class LoopContext final : public policies::SchedulerContext {
  public:
    explicit LoopContext(sim::KvBlockManager& kv) : kv_(kv) {}
    sim::KvBlockManager& kv() override { return kv_; }
    void preempt(sim::RequestState& r) override {
        sim::preempt_for_recompute(r, kv_);
        ++preemptions;
    }
    int64_t preemptions = 0;

  private:
    sim::KvBlockManager& kv_;
};

// Token ids and the KV cache of one request (the cache is kept across a recompute preemption and rewritten).
struct RealRequest {
    std::vector<int32_t> tokens;
    KvCache* kv = nullptr;
};

// Reusable caches sized for the longest request, created before the clock starts where possible.
class CachePool {
  public:
    CachePool(const TinyLlama& model, int64_t capacity) : model_(model), capacity_(capacity) {}
    void prefill(int64_t n) {
        while (static_cast<int64_t>(all_.size()) < n)
            free_.push_back(make());
    }
    KvCache* take() {
        if (free_.empty()) return make();
        KvCache* c = free_.back();
        free_.pop_back();
        return c;
    }
    void give_back(KvCache* c) { free_.push_back(c); }

  private:
    KvCache* make() {
        all_.push_back(model_.new_cache(capacity_));
        return all_.back().get();
    }
    const TinyLlama& model_;
    int64_t capacity_;
    std::vector<std::unique_ptr<KvCache>> all_;
    std::vector<KvCache*> free_;
};

// Least squares y = a + b x over the samples (b = 0 when x never varies).
std::pair<double, double> fit_line(const std::vector<std::pair<double, double>>& xy) {
    if (xy.empty()) return {0.0, 0.0};
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (const auto& [x, y] : xy) {
        sx += x;
        sy += y;
        sxx += x * x;
        sxy += x * y;
    }
    const auto n = static_cast<double>(xy.size());
    const double den = n * sxx - sx * sx;
    if (den <= 1e-9 * n * sxx) return {sy / n, 0.0};
    const double b = (n * sxy - sx * sy) / den;
    const double a = (sy - b * sx) / n;
    if (a < 0) return {0.0, sxy / sxx};
    if (b < 0) return {sy / n, 0.0};
    return {a, b};
}

}  // namespace

RealServingResult run_real_serving(const tools::ServingSetup& setup, const traces::Workload& workload,
                                   const RealServingOptions& options) {
    const auto& dep = setup.cost->deployment();
    LLMSIM_ASSERT(dep.parallel.tp == 1 && dep.parallel.pp == 1 && setup.cluster.replicas == 1,
                  "the real serving loop runs one single-device replica");
    RealServingResult result;
    const auto setup_start = Clock::now();

    CpuKernels kernels(options.threads);
    TinyLlama model(dep.model, kernels, options.weight_seed, "--model");

    // Requests exactly as the simulated cluster builds them.
    std::vector<sim::RequestState> requests = sim::request_states_of(workload);
    std::vector<RealRequest> real(requests.size());
    int64_t longest = 1;
    for (size_t i = 0; i < requests.size(); ++i) {
        const sim::RequestState& r = requests[i];
        longest = std::max(longest, r.total_tokens());
        // Random prompt ids, deterministic per request.
        auto& toks = real[i].tokens;
        toks.reserve(static_cast<size_t>(r.total_tokens()));
        uint64_t state = 0x9E3779B97F4A7C15ULL * (i + 1) + options.weight_seed;
        for (int32_t t = 0; t < r.prompt_tokens; ++t) {
            state = state * 6364136223846793005ULL + 1442695040888963407ULL;
            toks.push_back(static_cast<int32_t>((state >> 33) % static_cast<uint64_t>(dep.model.vocab_size)));
        }
    }
    const int64_t cache_tokens = std::min<int64_t>(longest, setup.cluster.limits.max_model_len);
    {
        const auto& lim = setup.cluster.limits;
        const int64_t budget = setup.cluster.scheduler == "sarathi" ? lim.chunk_size : lim.max_batch_tokens;
        model.reserve(std::min<int64_t>(budget + lim.max_batch_seqs, lim.max_batch_seqs * longest), lim.max_batch_seqs);
    }
    CachePool caches(model, cache_tokens);
    // Schedulers keep partly prefilled requests running beyond the batch cap; twice the cap covers them in practice.
    caches.prefill(std::min<int64_t>(static_cast<int64_t>(requests.size()), 2 * setup.cluster.limits.max_batch_seqs));

    sim::KvBlockManager kv(setup.cluster.kv_blocks_per_replica, setup.cluster.block_tokens);
    LoopContext ctx(kv);
    auto scheduler = policies::make_scheduler(setup.cluster.scheduler, setup.cluster.limits);
    sim::Batch batch(dep.model.sliding_window);
    std::vector<SeqStep> steps;
    std::vector<int32_t> sampled;
    std::vector<std::pair<double, double>> host_by_seqs;
    std::vector<models::BatchShape> shapes;
    sim::ReplicaStats stats;
    stats.kv_capacity_blocks = kv.capacity();
    result.setup_s = std::chrono::duration<double>(Clock::now() - setup_start).count();

    const auto t0 = Clock::now();
    auto now_ns = [&] { return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - t0).count(); };
    size_t next = 0;      // next request to arrive
    size_t finished = 0;  // finished or rejected
    // Arrival handling as in the simulated cluster: reject what can never fit, otherwise hand to the scheduler.
    auto arrive = [&](sim::RequestState& r) {
        if (r.total_tokens() > setup.cluster.limits.max_model_len || kv.blocks_for(r.total_tokens()) > kv.capacity()) {
            r.phase = sim::RequestPhase::rejected;
            ++finished;
            return;
        }
        r.replica = 0;
        r.phase = sim::RequestPhase::waiting;
        scheduler->add(r);
    };

    // One iteration if the scheduler forms a batch; false when it has nothing to run.
    auto iterate = [&]() -> bool {
        const int64_t start = now_ns();
        batch.clear();
        scheduler->schedule(batch, ctx);
        if (batch.empty()) return false;
        sim::mark_dispatched(batch, start);
        steps.clear();
        for (const sim::BatchEntry& e : batch.entries()) {
            sim::RequestState& r = *e.request;
            RealRequest& rr = real[r.id];
            if (rr.kv == nullptr) rr.kv = caches.take();
            SeqStep st;
            st.kv = rr.kv;
            st.new_tokens = e.new_tokens;
            st.prefill = e.prefill;
            st.samples = e.samples;
            st.context = e.prefill ? r.prefilled : r.kv_tokens();
            st.tokens = rr.tokens.data() + st.context;
            LLMSIM_ASSERT(st.context + st.new_tokens <= static_cast<int64_t>(rr.tokens.size()),
                          "step beyond the request's known tokens");
            steps.push_back(st);
        }
        const OpTimes before = model.op_times();
        sampled.clear();
        model.forward(steps, sampled);
        const int64_t done = now_ns();
        size_t s = 0;
        for (const sim::BatchEntry& e : batch.entries()) {
            if (e.samples) real[e.request->id].tokens.push_back(sampled[s++]);
        }
        sim::apply_batch_progress(batch, done, kv, [&](sim::RequestState& r) {
            caches.give_back(real[r.id].kv);
            real[r.id].kv = nullptr;
            ++finished;
        });
        const int64_t end = now_ns();
        const OpTimes& after = model.op_times();
        const double kernels_ns = after.kernels_ns() - before.kernels_ns();
        const auto si = static_cast<size_t>(RealOp::sampling);
        const double sampling_ns = after.ns[si] - before.ns[si];
        const double host_ns = std::max(0.0, static_cast<double>(end - start) - kernels_ns - sampling_ns);
        result.forward_ns += kernels_ns;
        result.sampling_ns += sampling_ns;
        result.host_ns += host_ns;
        host_by_seqs.emplace_back(batch.size(), host_ns + sampling_ns);
        ++result.iterations;
        stats.iterations += 1;
        stats.batched_seqs += batch.size();
        stats.batched_tokens += batch.tokens();
        stats.stage_busy_ns += static_cast<double>(done - start);
        stats.active_ns += static_cast<double>(end - start);
        stats.overhead_ns += host_ns + sampling_ns;
        if (options.predict_ops) shapes.push_back(batch.shape());  // priced after the run, off the clock
        return true;
    };

    bool busy = false;  // the previous iteration just completed
    while (finished < requests.size()) {
        if (busy) {
            // Completion: everything that arrived during the pass is queued, then one scheduling decision.
            const int64_t now = now_ns();
            while (next < requests.size() && requests[next].arrival_ns <= now)
                arrive(requests[next++]);
            busy = iterate();
            continue;
        }
        // Idle: the next arrivals (all those sharing its timestamp) are queued and dispatched at once.
        if (next < requests.size()) {
            const int64_t wait_start = now_ns();
            const int64_t at = requests[next].arrival_ns;
            if (at > wait_start) {
                std::this_thread::sleep_until(t0 + std::chrono::nanoseconds(at));
                result.idle_ns += static_cast<double>(now_ns() - wait_start);
            }
            while (next < requests.size() && requests[next].arrival_ns == at)
                arrive(requests[next++]);
            busy = iterate();
            continue;
        }
        LLMSIM_ASSERT(false, "requests are waiting but the scheduler forms no batch and none is running");
    }
    for (const auto& shape : shapes) {
        // The profile's price of every op of every batch that ran.
        const sim::ForwardBreakdown b = setup.cost->breakdown(shape);
        for (const auto& o : b.ops) {
            const double n = o.op.scope == models::OpScope::per_layer ? dep.model.num_layers : 1.0;
            result.predicted_op_ns[std::string(o.op.name)] += o.cost.time_ns * n;
        }
        result.predicted_forward_ns += b.forward_time_ns;
    }
    stats.preemptions = ctx.preemptions;
    stats.kv_peak_blocks = kv.peak_used();
    stats.stages = 1;
    result.op_times = model.op_times();
    const auto [fixed, per_seq] = fit_line(host_by_seqs);
    result.host_fixed_ns = fixed;
    result.host_per_seq_ns = per_seq;
    result.run.requests = std::move(requests);
    result.run.replicas.push_back(stats);
    result.run.events = static_cast<uint64_t>(result.iterations);
    return result;
}

}  // namespace llmsim::bench
