#pragma once
// Pareto front of operating points: throughput (per GPU or per dollar; higher is better) against latency (lower is
// better).
#include <cstddef>
#include <vector>

namespace llmsim::tools {

struct ParetoPoint {
    double throughput = 0;
    double latency_ms = 0;
};

// Indices of the points no other point dominates (a point dominates another when it is at least as good in both
// and better in one); of identical points the first is kept. Ordered by latency ascending (throughput ascending
// with it).
std::vector<size_t> pareto_front(const std::vector<ParetoPoint>& points);

}  // namespace llmsim::tools
