#pragma once
// Independent work items over a few threads (sweep points, planner candidates).
#include <cstdint>
#include <functional>

namespace llmsim::tools {

// Calls fn(i) for i in [0, n) on `threads` threads (the caller's included); items are taken in index order as
// threads free up. The first exception (lowest i) is rethrown after every thread has joined.
void parallel_for(int64_t n, int threads, const std::function<void(int64_t)>& fn);

}  // namespace llmsim::tools
