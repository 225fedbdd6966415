#include "traces/inference_perf/workload_file.hpp"

#include <algorithm>
#include <numeric>

#include "common/error.hpp"
#include "common/rng.hpp"
#include "common/strings.hpp"
#include "traces/inference_perf/config.hpp"
#include "traces/inference_perf/datagen.hpp"
#include "traces/inference_perf/load_timer.hpp"

namespace llmsim::traces {
namespace {

// Stable sort by arrival, keeping `after` pointing at the same requests.
void sort_by_arrival(Workload& w) {
    const size_t n = w.requests.size();
    std::vector<size_t> order(n);
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(),
                     [&](size_t a, size_t b) { return w.requests[a].arrival_ns < w.requests[b].arrival_ns; });
    std::vector<int32_t> new_index(n);
    for (size_t k = 0; k < n; ++k)
        new_index[order[k]] = static_cast<int32_t>(k);
    std::vector<RequestSpec> sorted;
    sorted.reserve(n);
    for (size_t k = 0; k < n; ++k) {
        RequestSpec r = w.requests[order[k]];
        if (r.after >= 0) r.after = new_index[static_cast<size_t>(r.after)];
        LLMSIM_ASSERT(r.after < static_cast<int32_t>(k), "a turn must arrive after the turn it waits for");
        sorted.push_back(r);
    }
    w.requests = std::move(sorted);
}

std::string describe(const inference_perf::InferencePerfConfig& c, uint64_t seed) {
    std::string rates;
    for (const auto& s : c.load.stages) {
        if (!rates.empty()) rates += ", ";
        rates += format_double(s.rate) + " req/s x " + std::to_string(s.duration_s) + " s";
    }
    const char* load = c.load.type == inference_perf::LoadType::constant ? "constant" : "poisson";
    std::string data = c.data.type_name;
    if (c.data.type == inference_perf::DataType::shared_prefix && c.data.shared_prefix.enable_multi_turn_chat) {
        data += " (multi-turn)";
    }
    return "inference-perf:" + c.path + ": " + load + " load [" + rates + "], data " + data + ", seed " +
           std::to_string(seed);
}

}  // namespace

Workload read_workload_file(const std::string& path, uint64_t seed) {
    return workload_from_config(inference_perf::read_inference_perf_config(path), seed);
}

Workload workload_from_config(const inference_perf::InferencePerfConfig& config, uint64_t seed) {
    Rng rng = RngStreams(seed).stream("workload");
    const auto schedule = inference_perf::schedule_requests(config.load, rng);
    Workload w = inference_perf::generate_requests(config.data, schedule, rng);
    sort_by_arrival(w);
    for (const auto& s : config.load.stages)
        w.stages.push_back({s.rate, static_cast<double>(s.duration_s)});
    w.has_timestamps = true;
    w.source = describe(config, seed);
    return w;
}

}  // namespace llmsim::traces
