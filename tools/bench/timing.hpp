#pragma once
// Timing one kernel properly: warm-up calls, then repeats until both a minimum count and a minimum time are
// reached; per-call times give the median (what calibration fits) and the minimum (noise floor). The callable gets
// the repeat index so it can rotate buffers (cold weights) and must leave results in memory the caller owns, which
// keeps the compiler from eliding the work.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <vector>

namespace llmsim::bench {

struct TimingOptions {
    int32_t warmup = 1;
    int32_t min_repeats = 3;
    int32_t max_repeats = 2000;
    double min_time_s = 0.02;
};

struct TimingResult {
    double median_ns = 0;
    double min_ns = 0;
    int32_t repeats = 0;
};

// Median and minimum of per-call times (reorders `samples`).
TimingResult timing_stats(std::vector<double>& samples_ns);

// Compiler barrier: the value (or what it points to) is treated as read by unknown code.
template <typename T>
inline void do_not_optimize(const T& value) {
    asm volatile("" : : "r,m"(value) : "memory");
}

template <typename F>
TimingResult time_kernel(F&& call, const TimingOptions& opt) {
    using Clock = std::chrono::steady_clock;
    int64_t rep = 0;
    for (int32_t i = 0; i < opt.warmup; ++i)
        call(rep++);
    std::vector<double> samples;
    samples.reserve(static_cast<size_t>(std::min(opt.max_repeats, 256)));
    const auto start = Clock::now();
    while (true) {
        const auto t0 = Clock::now();
        call(rep++);
        const auto t1 = Clock::now();
        samples.push_back(std::chrono::duration<double, std::nano>(t1 - t0).count());
        const auto n = static_cast<int32_t>(samples.size());
        if (n >= opt.max_repeats) break;
        if (n >= opt.min_repeats && std::chrono::duration<double>(t1 - start).count() >= opt.min_time_s) break;
    }
    return timing_stats(samples);
}

}  // namespace llmsim::bench
