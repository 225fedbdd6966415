#pragma once
// Layout search for `llmsim train --search`: enumerates TP x PP x CP x EP x VPP x micro-batch x recompute x ZeRO
// for a GPU count, skips invalid layouts, prices the rest with the closed-form pipeline (exact for uniform
// stages), re-simulates the best fitting ones on the pipeline DAG and ranks the fitting layouts by throughput.
#include <cstdint>
#include <functional>
#include <vector>

#include "sim/training/training_sim.hpp"

namespace llmsim::policies {

struct SearchSpace {
    std::vector<int32_t> tp;
    std::vector<int32_t> pp;
    std::vector<int32_t> cp;
    std::vector<int32_t> ep;
    std::vector<int32_t> vpp;
    std::vector<int32_t> micro_batch;
    std::vector<int32_t> zero;
    std::vector<models::Recompute> recompute;
    int32_t dp = 0;  // 0: derived from the GPU count
};

// Every value worth trying for this model and GPU count: divisors that can be valid, powers of two for CP and
// micro-batch, all recompute modes and ZeRO stages.
SearchSpace default_search_space(const models::ModelSpec& model, const sim::TrainingConfig& base, int32_t gpus);

struct SearchOutcome {
    std::vector<sim::TrainingResult> candidates;  // every valid layout evaluated
    std::vector<size_t> ranked;                   // indices of fitting candidates, best first
    int64_t enumerated = 0;                       // combinations looked at (valid or not)
};

// Told after each DAG re-simulation (done, total): the slow part of a search with a large --top.
using RefineProgress = std::function<void(size_t done, size_t total)>;

// `refine_top`: how many of the best fitting candidates are re-simulated on the DAG before the final ranking.
SearchOutcome search_layouts(sim::TrainingSimulator& sim, const sim::TrainingConfig& base, const SearchSpace& space,
                             int32_t refine_top, const RefineProgress& on_refined = {});

}  // namespace llmsim::policies
