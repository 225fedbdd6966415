#pragma once
// Sarathi-Serve's capacity experiment (OSDI'24, Figures 5-6; microsoft/sarathi-serve osdi-experiments/figure-5-6):
// for each workload and TBT SLO, the highest Poisson rate each scheduler sustains with P99 time between tokens within
// the SLO and the median scheduling delay (arrival to first scheduled) within 2 s, and the ratio of Sarathi-Serve's
// capacity to each baseline's. Shared by the Sarathi-Serve scenarios, which differ in model, GPUs and SLO values.
#include <cstdint>
#include <string>
#include <vector>

#include "common/json_io.hpp"
#include "tools/reproduce/scenario.hpp"

namespace llmsim::tools::reproduce {

struct TbtSlo {
    std::string name;         // "strict" | "relaxed"
    double p99_tbt_ms = 0;    // the paper's --tbt-slo-value
    int64_t chunk_size = 0;   // Sarathi-Serve's token budget for this SLO
};

struct StudyWorkload {
    std::string name;     // "sharegpt"
    std::string lengths;  // --lengths, e.g. builtin:sharegpt
    int64_t max_model_len = 0;
};

struct CapacityStudy {
    std::string label;  // prefix of every run's label
    Json base;          // model, hardware, tp, pp, engine, num-requests, seed (qps, scheduler and limits are set here)
    std::vector<TbtSlo> slos;
    std::vector<StudyWorkload> workloads;
    int64_t sarathi_max_batch = 0;
    int64_t vllm_max_batch = 0;
    int64_t orca_max_batch = 0;
    double scheduling_delay_p50_ms = 2000;  // the capacity search's --scheduling-delay-slo-value (P50)
    double qps_tolerance = 0.05;            // bracket of the rate search, as a fraction of the offline capacity
};

// Runs every (workload, SLO, scheduler) search. `simulated` is the largest Sarathi-Serve / vLLM capacity ratio over
// the setups (the claims say "up to"); where vLLM meets the SLO at no probed rate its capacity is taken as the lowest
// rate probed, so that setup's ratio is a lower bound and the explanation says so. The explanation lists every
// setup's capacities and both ratios (vs vLLM and vs Orca).
Reproduction run_capacity_study(const CapacityStudy& study);

}  // namespace llmsim::tools::reproduce
