#pragma once
// Where things sit in a training layout: layers per virtual pipeline stage, and the rank groups of each parallel
// dimension in Megatron-Core's rank order (tp fastest, then cp, ep within dp, dp, pp slowest).
#include <cstdint>
#include <vector>

#include "models/training_ops.hpp"

namespace llmsim::sim {

struct StageLayout {
    int32_t pp = 1;
    int32_t vpp = 1;
    std::vector<int32_t> layers;  // per virtual stage, index chunk * pp + rank

    [[nodiscard]] int32_t stages() const { return pp * vpp; }
    [[nodiscard]] int32_t layers_at(int32_t rank, int32_t chunk) const {
        return layers[static_cast<size_t>(chunk * pp + rank)];
    }
    [[nodiscard]] int32_t layers_on_rank(int32_t rank) const;
    [[nodiscard]] int32_t max_chunk_layers_on_rank(int32_t rank) const;
    // The embedding sits on virtual stage 0 (rank 0), the LM head on the last one (rank pp - 1).
    [[nodiscard]] bool has_embedding(int32_t rank) const { return rank == 0; }
    [[nodiscard]] bool has_lm_head(int32_t rank) const { return rank == pp - 1; }
};

// Equal split when layers divide evenly; otherwise earlier virtual stages take one extra layer.
StageLayout make_stage_layout(int32_t num_layers, int32_t pp, int32_t vpp);

struct GroupSpec {
    int32_t first = 0;
    int32_t size = 1;
    int32_t stride = 1;
};

struct LayoutGroups {
    GroupSpec tp;
    GroupSpec cp;
    GroupSpec ep;
    GroupSpec dp;          // dense gradients: data x context parallel ranks
    GroupSpec expert_dp;   // expert gradients: the data-parallel ranks that hold the same experts
    GroupSpec pp_pair;     // neighbouring pipeline stages
    GroupSpec embed_pair;  // first and last stage (tied embedding gradients)
};

LayoutGroups layout_groups(const models::TrainingParallel& p);

}  // namespace llmsim::sim
