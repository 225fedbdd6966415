#pragma once
// A device on which kernels cost (almost) nothing and a host overhead of exactly 1 ms per iteration, so scheduler
// timelines can be worked out by hand: iteration k of a replica ends at k ms after it starts.
#include <string>
#include <vector>

#include "common/json_io.hpp"
#include "hardware/device_spec.hpp"
#include "models/presets.hpp"
#include "policies/cluster_spec.hpp"
#include "sim/cost/forward_cost.hpp"
#include "traces/workload.hpp"

namespace llmsim::test {

inline hardware::DeviceSpec instant_device(const std::string& bandwidth = "1e15TB/s") {
    std::string text = R"({
      "schema_version": 1, "id": "instant", "name": "test device", "kind": "gpu",
      "peak_flops": {"fp16": "1e18TFLOPS", "fp32": "1e18TFLOPS"},
      "memory": {"capacity": "1000GiB", "bandwidth": "BANDWIDTH"},
      "interconnect": {"intra_node": {"kind": "test", "bandwidth": "1e15TB/s", "latency": "0ns",
                                      "devices_per_node": 8},
                       "inter_node": {"kind": "test", "bandwidth": "1e15TB/s", "latency": "0ns"}},
      "tdp": "1W",
      "calibration": {"kernels": {
        "gemm": {"overhead": "0ns", "compute_efficiency_by_flops_per_row": 1, "memory_efficiency_by_bytes": 1},
        "attn_prefill": {"overhead": "0ns", "compute_efficiency_by_flops_per_row": 1, "memory_efficiency_by_bytes": 1},
        "attn_decode": {"overhead": "0ns", "compute_efficiency_by_flops_per_row": 1, "memory_efficiency_by_bytes": 1},
        "elementwise": {"overhead": "0ns", "compute_efficiency_by_flops_per_row": 1, "memory_efficiency_by_bytes": 1},
        "embedding": {"overhead": "0ns", "compute_efficiency_by_flops_per_row": 1, "memory_efficiency_by_bytes": 1}
      }}})";
    text.replace(text.find("BANDWIDTH"), 9, bandwidth);
    return hardware::device_from_json(Json::parse(text), "instant.json");
}

// pp stages; `overhead` host time per iteration (FIXED_US); `bandwidth` makes kernels cost their weight reads.
inline sim::ForwardCost instant_cost(int32_t pp = 1, const std::string& overhead = "1000",
                                     const std::string& bandwidth = "1e15TB/s",
                                     const std::string& model = "llama-tiny-15m") {
    const auto device = instant_device(bandwidth);
    models::InferenceParallel par;
    par.pp = pp;
    auto dep =
        sim::make_deployment(models::resolve_model(model), par, models::Precision::from_dtype(DType::fp16), device);
    return sim::ForwardCost(dep, hardware::CostModel(device), sim::parse_framework_overhead(overhead, "test"));
}

struct Req {
    double arrival_ms;
    int32_t prompt;
    int32_t output;
};

inline traces::Workload workload_of(const std::vector<Req>& reqs) {
    traces::Workload w;
    w.has_timestamps = true;
    for (const auto& r : reqs) {
        traces::RequestSpec s;
        s.arrival_ns = static_cast<int64_t>(r.arrival_ms * 1e6);
        s.prompt_tokens = r.prompt;
        s.output_tokens = r.output;
        w.requests.push_back(s);
    }
    return w;
}

inline policies::ClusterSpec cluster_of(const std::string& scheduler, int64_t kv_blocks = 100000,
                                        int32_t block_tokens = 16) {
    policies::ClusterSpec c;
    c.scheduler = scheduler;
    c.kv_blocks_per_replica = kv_blocks;
    c.block_tokens = block_tokens;
    c.limits.max_model_len = 100000;
    return c;
}

inline double ms(int64_t ns) {
    return static_cast<double>(ns) * 1e-6;
}

}  // namespace llmsim::test
