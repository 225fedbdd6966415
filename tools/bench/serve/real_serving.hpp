#pragma once
// The real serving loop of `llmsim bench serve`: requests arrive in wall-clock time, the simulator's scheduler
// policy object forms every batch, the real CPU transformer executes it, and the simulator's request-progress
// functions apply the results. Event order follows the simulated cluster and replica (requests arriving at the same
// instant at an idle replica are dispatched together at once; arrivals during a pass wait for its end), so
// `bench serve` and `run` differ only in where iteration times come from.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "sim/serving/cluster.hpp"
#include "tools/bench/transformer/tiny_llama.hpp"
#include "tools/serving_setup.hpp"
#include "traces/workload.hpp"

namespace llmsim::bench {

struct RealServingOptions {
    int32_t threads = 1;
    uint64_t weight_seed = 0;
    // Also price every executed batch with the setup's cost model, op by op (for predicted-vs-real per op).
    bool predict_ops = false;
    // Told of each request's progress (the progress bar); may be null.
    sim::LifecycleObserver* progress = nullptr;
};

struct RealServingResult {
    sim::ServingRun run;  // requests with wall-clock timestamps (ns since the loop started), replica stats
    OpTimes op_times;     // kernel time per op over the whole run
    int64_t iterations = 0;
    double forward_ns = 0;     // kernels of the op model, summed over passes
    double sampling_ns = 0;    // greedy sampling (host work outside the op model)
    double host_ns = 0;        // the rest of each iteration: scheduling, batch building, bookkeeping
    double idle_ns = 0;        // waiting for arrivals
    double host_fixed_ns = 0;  // least-squares fit of host + sampling time per iteration = fixed + per_seq x seqs
    double host_per_seq_ns = 0;
    double setup_s = 0;  // weights and KV caches (before the clock starts)
    // With predict_ops: the cost model's time per op name for the batches actually run (whole model), and its
    // total forward time (framework overhead excluded).
    std::map<std::string, double> predicted_op_ns;
    double predicted_forward_ns = 0;
};

// Runs the workload to completion on one replica (tp = pp = replicas = 1). Uses setup.cluster (scheduler, limits,
// KV blocks) exactly as the simulator does.
RealServingResult run_real_serving(const tools::ServingSetup& setup, const traces::Workload& workload,
                                   const RealServingOptions& options);

}  // namespace llmsim::bench
