#include "tools/bench/serve/real_serving.hpp"

#include <algorithm>
#include <chrono>
#include <memory>
#include <thread>

#include "common/error.hpp"
#include "policies/cluster_spec.hpp"
#include "sim/serving/cluster.hpp"
#include "sim/serving/iteration_executor.hpp"
#include "sim/serving/request_lifecycle.hpp"

namespace llmsim::bench {
namespace {

using Clock = std::chrono::steady_clock;

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

// The real executor: runs each batch on the CPU transformer in wall-clock time (ns since the loop started), so the
// replica core and the cluster drive it exactly as they drive the simulator's cost model.
class RealExecutor final : public sim::IterationExecutor, public sim::LifecycleObserver {
  public:
    RealExecutor(TinyLlama& model, std::vector<RealRequest>& real, CachePool& caches, const models::ModelSpec& spec,
                 bool predict_ops, RealServingResult& result)
        : model_(model), real_(real), caches_(caches), spec_(spec), predict_ops_(predict_ops), result_(result) {}

    void start_clock() { t0_ = Clock::now(); }
    [[nodiscard]] int32_t stages() const override { return 1; }
    [[nodiscard]] int64_t stage0_free_ns() const override { return last_end_ns_; }

    int64_t begin(int64_t now_ns) override {
        // Idle until the event's time in wall-clock terms; right after a completion the iteration's host time starts
        // at the previous iteration's end (the progress bookkeeping in between is host work too).
        const int64_t wall = now();
        if (now_ns > wall) {
            std::this_thread::sleep_until(t0_ + std::chrono::nanoseconds(now_ns));
            const int64_t woke = now();
            result_.idle_ns += static_cast<double>(woke - wall);
            iteration_start_ns_ = woke;
            return woke;
        }
        iteration_start_ns_ = now_ns <= last_end_ns_ ? last_end_ns_ : wall;
        return wall;
    }

    sim::IterationResult run(const sim::Batch& batch, int64_t /*start_ns*/, int32_t /*replica*/,
                             sim::BatchObserver* /*observer*/) override {
        steps_.clear();
        for (const sim::BatchEntry& e : batch.entries()) {
            const sim::RequestState& r = *e.request;
            RealRequest& rr = real_[r.id];
            if (rr.kv == nullptr) rr.kv = caches_.take();
            SeqStep st;
            st.kv = rr.kv;
            st.new_tokens = e.new_tokens;
            st.prefill = e.prefill;
            st.samples = e.sampled > 0;
            st.context = e.prefill ? r.prefilled : r.kv_tokens();
            st.tokens = rr.tokens.data() + st.context;
            LLMSIM_ASSERT(st.context + st.new_tokens <= static_cast<int64_t>(rr.tokens.size()),
                          "step beyond the request's known tokens");
            steps_.push_back(st);
        }
        const OpTimes before = model_.op_times();
        sampled_.clear();
        model_.forward(steps_, sampled_);
        size_t s = 0;
        for (const sim::BatchEntry& e : batch.entries()) {
            if (e.sampled > 0) real_[e.request->id].tokens.push_back(sampled_[s++]);
        }
        const int64_t end = now();
        const OpTimes& after = model_.op_times();
        const double kernels_ns = after.kernels_ns() - before.kernels_ns();
        const auto si = static_cast<size_t>(RealOp::sampling);
        const double sampling_ns = after.ns[si] - before.ns[si];
        const double host_ns = std::max(0.0, static_cast<double>(end - iteration_start_ns_) - kernels_ns - sampling_ns);
        result_.forward_ns += kernels_ns;
        result_.sampling_ns += sampling_ns;
        result_.host_ns += host_ns;
        host_by_seqs_.emplace_back(batch.size(), host_ns + sampling_ns);
        ++result_.iterations;
        if (predict_ops_) shapes_.push_back(batch.shape());  // priced after the run, off the clock
        last_end_ns_ = end;
        sim::IterationResult out;
        out.end_ns = end;
        out.busy_ns = static_cast<double>(end - iteration_start_ns_);
        out.overhead_ns = host_ns + sampling_ns;
        return out;
    }

    void on_finished(const sim::RequestState& r, int64_t /*now_ns*/) override {
        caches_.give_back(real_[r.id].kv);
        real_[r.id].kv = nullptr;
    }

    [[nodiscard]] const std::vector<std::pair<double, double>>& host_by_seqs() const { return host_by_seqs_; }
    [[nodiscard]] const std::vector<models::BatchShape>& shapes() const { return shapes_; }

  private:
    [[nodiscard]] int64_t now() const {
        return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - t0_).count();
    }

    TinyLlama& model_;
    std::vector<RealRequest>& real_;
    CachePool& caches_;
    const models::ModelSpec& spec_;
    bool predict_ops_;
    RealServingResult& result_;
    Clock::time_point t0_;
    int64_t last_end_ns_ = 0;
    int64_t iteration_start_ns_ = 0;
    std::vector<SeqStep> steps_;
    std::vector<int32_t> sampled_;
    std::vector<std::pair<double, double>> host_by_seqs_;
    std::vector<models::BatchShape> shapes_;
};

}  // namespace

RealServingResult run_real_serving(const tools::ServingSetup& setup, const traces::Workload& workload,
                                   const RealServingOptions& options) {
    const auto& dep = setup.cost->deployment();
    LLMSIM_ASSERT(dep.parallel.tp == 1 && dep.parallel.pp == 1 && setup.cluster.replicas == 1,
                  "the real serving loop runs one single-device replica");
    if (setup.cluster.prefix_caching) {
        throw UsageError("--prefix-cache", "bench serve runs each request on its own KV cache: prefix caching is off");
    }
    if (setup.cluster.swaps() || !setup.cluster.kv_tiers.empty()) {
        throw UsageError(setup.cluster.kv_tiers.empty() ? "--preemption" : "--kv-tiers",
                         "bench serve keeps every request's KV in memory: it supports recompute preemption and no "
                         "tiers");
    }
    RealServingResult result;
    const auto setup_start = Clock::now();

    CpuKernels kernels(options.threads);
    TinyLlama model(dep.model, kernels, options.weight_seed, "--model");

    // Random prompt ids, deterministic per request; lengths exactly as the simulated cluster reads them.
    const std::vector<sim::RequestState> shapes = sim::request_states_of(workload);
    std::vector<RealRequest> real(shapes.size());
    int64_t longest = 1;
    for (size_t i = 0; i < shapes.size(); ++i) {
        const sim::RequestState& r = shapes[i];
        longest = std::max(longest, r.total_tokens());
        auto& toks = real[i].tokens;
        toks.reserve(static_cast<size_t>(r.total_tokens()));
        uint64_t state = 0x9E3779B97F4A7C15ULL * (i + 1) + options.weight_seed;
        for (int32_t t = 0; t < r.prompt_tokens; ++t) {
            state = state * 6364136223846793005ULL + 1442695040888963407ULL;
            toks.push_back(static_cast<int32_t>((state >> 33) % static_cast<uint64_t>(dep.model.vocab_size)));
        }
    }
    const auto& lim = setup.cluster.limits;
    const int64_t cache_tokens = std::min<int64_t>(longest, lim.max_model_len);
    const int64_t budget = setup.cluster.scheduler == "sarathi" ? lim.chunk_size : lim.max_batch_tokens;
    model.reserve(std::min<int64_t>(budget + lim.max_batch_seqs, lim.max_batch_seqs * longest), lim.max_batch_seqs);
    CachePool caches(model, cache_tokens);
    // Schedulers keep partly prefilled requests running beyond the batch cap; twice the cap covers them in practice.
    caches.prefill(std::min<int64_t>(static_cast<int64_t>(shapes.size()), 2 * lim.max_batch_seqs));

    RealExecutor executor(model, real, caches, dep.model, options.predict_ops, result);
    sim::ClusterConfig config = policies::make_cluster_config(setup.cluster, *setup.cost);
    config.pools.front().parts.make_executor = [&executor] {
        // The cluster owns its executors; this one lives on the stack, so hand out a forwarding wrapper.
        struct Forward final : sim::IterationExecutor {
            explicit Forward(RealExecutor& e) : e_(e) {}
            [[nodiscard]] int32_t stages() const override { return e_.stages(); }
            [[nodiscard]] int64_t stage0_free_ns() const override { return e_.stage0_free_ns(); }
            int64_t begin(int64_t now_ns) override { return e_.begin(now_ns); }
            sim::IterationResult run(const sim::Batch& b, int64_t s, int32_t r, sim::BatchObserver* o) override {
                return e_.run(b, s, r, o);
            }
            RealExecutor& e_;
        };
        return std::make_unique<Forward>(executor);
    };
    config.observers.push_back(&executor);
    if (options.progress != nullptr) config.observers.push_back(options.progress);
    result.setup_s = std::chrono::duration<double>(Clock::now() - setup_start).count();

    executor.start_clock();
    result.run = sim::run_cluster(config, workload);

    for (const auto& shape : executor.shapes()) {
        // The profile's price of every op of every batch that ran.
        const sim::ForwardBreakdown b = setup.cost->breakdown(shape);
        for (const auto& o : b.ops) {
            const double n = o.op.scope == models::OpScope::per_layer ? dep.model.num_layers : 1.0;
            result.predicted_op_ns[std::string(o.op.name)] += o.cost.time_ns * n;
        }
        result.predicted_forward_ns += b.forward_time_ns;
    }
    result.op_times = model.op_times();
    const auto [fixed, per_seq] = fit_line(executor.host_by_seqs());
    result.host_fixed_ns = fixed;
    result.host_per_seq_ns = per_seq;
    return result;
}

}  // namespace llmsim::bench
