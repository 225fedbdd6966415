// Timer facts (inference-perf loadgen/load_timer.py and load_generator.py, read at the commit named in
// docs/workloads.md):
//  * constant: n = int(rate * duration) gaps drawn exponential(mean 1/rate), then scaled so they sum to exactly
//    duration; request j is sent at stage start + gaps[0] + ... + gaps[j] (the last one at the stage's end). So the
//    count and the mean rate are exact but the spacing is jittered, not even.
//  * poisson: for each successive 1 s window, draw c ~ Poisson(rate); c = 0 skips the window, otherwise the window
//    gets c requests placed like the constant timer with rate c over 1 s. The stage takes the first
//    int(rate * duration) of these times (they may run past the nominal duration).
//  * stages run one after another, separated by load.interval seconds (default 1).
#include "traces/inference_perf/load_timer.hpp"

#include <algorithm>
#include <cmath>

#include "common/error.hpp"

namespace llmsim::traces::inference_perf {
namespace {

constexpr int64_t max_requests = 100'000'000;

// n jittered times in (start, start + duration], the last exactly at the end.
void constant_window(double start_s, double duration_s, int64_t n, double rate, Rng& rng, std::vector<double>& out) {
    std::vector<double> gaps(static_cast<size_t>(n));
    double total = 0;
    for (auto& g : gaps) {
        g = rng.exponential(rate);
        total += g;
    }
    const double scale = duration_s / total;
    double t = start_s;
    for (size_t j = 0; j < gaps.size(); ++j) {
        t += gaps[j] * scale;
        out.push_back(j + 1 == gaps.size() ? start_s + duration_s : t);
    }
}

// Poisson(rate): the number of rate-`rate` exponential arrivals inside one second (exact for any rate).
int64_t poisson_count(double rate, Rng& rng) {
    int64_t c = 0;
    for (double t = rng.exponential(rate); t < 1.0; t += rng.exponential(rate))
        ++c;
    return c;
}

}  // namespace

int64_t stage_request_count(const StageConfig& stage) {
    // Python's int() truncates toward zero; rate and duration are positive.
    return static_cast<int64_t>(stage.rate * static_cast<double>(stage.duration_s));
}

std::vector<ScheduledRequest> schedule_requests(const LoadConfig& load, Rng& rng) {
    int64_t total = 0;
    for (const auto& s : load.stages) {
        const int64_t n = stage_request_count(s);
        if (n > max_requests || total + n > max_requests) {
            throw InputError(s.where, "rate x duration asks for " + std::to_string(total + n) +
                                          " requests in total (expected at most " + std::to_string(max_requests) + ")");
        }
        total += n;
    }
    if (total == 0) {
        throw InputError(load.stages.front().where,
                         "no stage sends a request (int(rate x duration) is 0 everywhere; expected at least 1)");
    }
    std::vector<ScheduledRequest> out;
    out.reserve(static_cast<size_t>(total));
    std::vector<double> times;
    double stage_start_s = 0;
    for (size_t k = 0; k < load.stages.size(); ++k) {
        const StageConfig& s = load.stages[k];
        const int64_t n = stage_request_count(s);
        times.clear();
        if (load.type == LoadType::constant) {
            if (n > 0) constant_window(stage_start_s, static_cast<double>(s.duration_s), n, s.rate, rng, times);
        } else {
            for (double window = stage_start_s; static_cast<int64_t>(times.size()) < n; window += 1.0) {
                const int64_t c = poisson_count(s.rate, rng);
                if (c > 0) constant_window(window, 1.0, c, static_cast<double>(c), rng, times);
            }
            times.resize(static_cast<size_t>(n));
        }
        for (double t : times)
            out.push_back({std::llround(t * 1e9), static_cast<int32_t>(k)});
        // The next stage cannot start before this one has sent everything (poisson may overrun its duration).
        const double end_s = times.empty() ? stage_start_s : std::max(times.back(), stage_start_s);
        stage_start_s = std::max(stage_start_s + static_cast<double>(s.duration_s), end_s) + load.interval_s;
    }
    return out;
}

}  // namespace llmsim::traces::inference_perf
