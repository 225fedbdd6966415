#include "tools/bench/timing.hpp"

#include "common/error.hpp"

namespace llmsim::bench {

TimingResult timing_stats(std::vector<double>& samples_ns) {
    LLMSIM_ASSERT(!samples_ns.empty(), "no timing samples");
    std::sort(samples_ns.begin(), samples_ns.end());
    const size_t n = samples_ns.size();
    TimingResult r;
    r.median_ns = n % 2 == 1 ? samples_ns[n / 2] : 0.5 * (samples_ns[n / 2 - 1] + samples_ns[n / 2]);
    r.min_ns = samples_ns.front();
    r.repeats = static_cast<int32_t>(n);
    return r;
}

}  // namespace llmsim::bench
