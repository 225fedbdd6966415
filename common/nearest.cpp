#include "common/nearest.hpp"
#include "common/bounded.hpp"

#include <algorithm>

#include "common/strings.hpp"

namespace llmsim {

size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<size_t> prev(b.size() + 1);
    std::vector<size_t> cur(b.size() + 1);
    for (size_t j = 0; j <= b.size(); ++j)
        prev[j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
        cur[0] = i;
        for (size_t j = 1; j <= b.size(); ++j) {
            const size_t sub = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
            cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
        }
        std::swap(prev, cur);
    }
    return prev[b.size()];
}

std::string nearest_name(std::string_view name, const std::vector<std::string>& candidates) {
    const std::string lowered = to_lower(name);
    std::string best;
    size_t best_distance = SIZE_MAX;
    for (const auto& c : candidates) {
        const size_t d = edit_distance(lowered, to_lower(c));
        if (d < best_distance) {
            best_distance = d;
            best = c;
        }
    }
    // Only suggest when the typo is plausibly small relative to the name.
    if (best_distance > std::max<size_t>(2, lowered.size() / 2)) return {};
    return best;
}

std::string unknown_name_message(std::string_view what, std::string_view name,
                                 const std::vector<std::string>& candidates) {
    std::string msg =
        "unknown " + std::string(what) + " '" + clip_for_message(name) + "' (valid: " + join(candidates, ", ");
    // Names far longer than any candidate are not typos: skip the quadratic edit distance.
    const std::string near = name.size() > 200 ? std::string() : nearest_name(name, candidates);
    if (!near.empty()) msg += "; did you mean '" + near + "'?";
    msg += ")";
    return msg;
}

}  // namespace llmsim
