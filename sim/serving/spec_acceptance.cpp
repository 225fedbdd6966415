#include "sim/serving/spec_acceptance.hpp"

#include <algorithm>
#include <cmath>

#include "common/error.hpp"

namespace llmsim::sim {

double depth_acceptance(double alpha, double decay, int32_t d, int32_t branching) {
    const double a = std::clamp(alpha * (decay == 1 ? 1.0 : std::pow(decay, d)), 0.0, 1.0);
    return branching == 1 ? a : 1 - std::pow(1 - a, branching);
}

int32_t draw_accepted(Rng& rng, const AcceptanceShape& s) {
    LLMSIM_ASSERT(s.tree.empty() || static_cast<int32_t>(s.tree.size()) >= s.depth, "tree shallower than the step");
    int32_t accepted = 0;
    while (accepted < s.depth) {
        const int32_t b = s.tree.empty() ? 1 : s.tree[static_cast<size_t>(accepted)];
        if (rng.uniform01() >= depth_acceptance(s.alpha, s.decay, accepted, b)) break;
        ++accepted;
    }
    return accepted;
}

int32_t draw_accepted(Rng& rng, double alpha, int32_t gamma) {
    int32_t accepted = 0;
    while (accepted < gamma && rng.uniform01() < alpha)
        ++accepted;
    return accepted;
}

double expected_tokens_per_step(const AcceptanceShape& s) {
    double tokens = 1;
    double reach = 1;  // probability that depth k is accepted
    for (int32_t d = 0; d < s.depth; ++d) {
        reach *= depth_acceptance(s.alpha, s.decay, d, s.tree.empty() ? 1 : s.tree[static_cast<size_t>(d)]);
        tokens += reach;
    }
    return tokens;
}

double expected_tokens_per_step(double alpha, int32_t gamma) {
    if (alpha >= 1) return gamma + 1.0;
    return (1 - std::pow(alpha, gamma + 1)) / (1 - alpha);
}

int64_t tree_tokens(std::span<const int32_t> tree, int32_t depth) {
    if (tree.empty()) return depth;
    LLMSIM_ASSERT(static_cast<int32_t>(tree.size()) >= depth, "tree shallower than the step");
    int64_t width = 1;
    int64_t total = 0;
    for (int32_t d = 0; d < depth; ++d) {
        width *= tree[static_cast<size_t>(d)];
        total += width;
    }
    return total;
}

double ramped_alpha(double from, double to, double progress, double span) {
    if (span <= 0) return to;
    return from + (to - from) * std::clamp(progress / span, 0.0, 1.0);
}

}  // namespace llmsim::sim
