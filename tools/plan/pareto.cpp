#include "tools/plan/pareto.hpp"

#include <algorithm>
#include <numeric>

namespace llmsim::tools {

std::vector<size_t> pareto_front(const std::vector<ParetoPoint>& points) {
    std::vector<size_t> order(points.size());
    std::iota(order.begin(), order.end(), size_t{0});
    // Latency ascending, then throughput descending, then index: a sweep keeps each point that beats the best
    // throughput seen at lower (or equal) latency.
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
        if (points[a].latency_ms != points[b].latency_ms) return points[a].latency_ms < points[b].latency_ms;
        return points[a].throughput > points[b].throughput;
    });
    std::vector<size_t> front;
    for (size_t i : order) {
        if (front.empty() || points[i].throughput > points[front.back()].throughput) front.push_back(i);
    }
    return front;
}

}  // namespace llmsim::tools
