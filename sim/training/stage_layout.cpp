#include "sim/training/stage_layout.hpp"

#include <algorithm>

#include "common/error.hpp"

namespace llmsim::sim {

int32_t StageLayout::layers_on_rank(int32_t rank) const {
    int32_t n = 0;
    for (int32_t c = 0; c < vpp; ++c)
        n += layers_at(rank, c);
    return n;
}

int32_t StageLayout::max_chunk_layers_on_rank(int32_t rank) const {
    int32_t n = 0;
    for (int32_t c = 0; c < vpp; ++c)
        n = std::max(n, layers_at(rank, c));
    return n;
}

StageLayout make_stage_layout(int32_t num_layers, int32_t pp, int32_t vpp) {
    LLMSIM_ASSERT(pp >= 1 && vpp >= 1 && pp * vpp <= num_layers, "more pipeline stages than layers");
    StageLayout s;
    s.pp = pp;
    s.vpp = vpp;
    const int32_t stages = pp * vpp;
    const int32_t base = num_layers / stages;
    const int32_t extra = num_layers % stages;
    s.layers.reserve(static_cast<size_t>(stages));
    for (int32_t vs = 0; vs < stages; ++vs)
        s.layers.push_back(base + (vs < extra ? 1 : 0));
    return s;
}

LayoutGroups layout_groups(const models::TrainingParallel& p) {
    LayoutGroups g;
    g.tp = {0, p.tp, 1};
    g.cp = {0, p.cp, p.tp};
    g.ep = {0, p.ep, p.tp * p.cp};
    g.dp = {0, p.dp * p.cp, p.tp};
    g.expert_dp = {0, p.dp * p.cp / p.ep, p.tp * p.ep};
    const int32_t stage_stride = p.tp * p.cp * p.dp;
    g.pp_pair = {0, p.pp > 1 ? 2 : 1, stage_stride};
    g.embed_pair = {0, p.pp > 1 ? 2 : 1, stage_stride * std::max(1, p.pp - 1)};
    return g;
}

}  // namespace llmsim::sim
