#pragma once
// `llmsim run --prefill-pool SPEC --decode-pool SPEC`: prefill/decode disaggregation. Each pool is a colocated
// deployment of its own (SPEC = replicas=N,hardware=ID,tp=N,pp=N,engine=NAME[,scheduler=..,max-batch=..,
// max-batch-tokens=..,chunk-size=..,gpu-memory-utilization=..]; keys not given come from the run's other settings),
// resolved by make_serving_setup like any run, and the KV transfer between them comes from the topology
// (--kv-transfer auto) or a given bandwidth, in --kv-transfer-mode whole | layerwise.
#include <string>
#include <vector>

#include "sim/serving/kv_transfer.hpp"
#include "tools/run_config.hpp"
#include "tools/serving_setup.hpp"

namespace llmsim::tools {

// The keys a pool SPEC may set.
const std::vector<std::string>& pool_spec_keys();

struct KvLinkInfo {
    std::string kind;                // "nvlink" (both pools in one node), "network" (NICs), "given" (--kv-transfer)
    double bytes_per_s_per_gpu = 0;  // auto: the path's bandwidth per GPU
    int64_t latency_ns = 0;
};

struct DisaggSetup {
    ServingSetup decode;  // the prefill pool's setup is the run's ServingSetup
    RunConfig prefill_cfg;
    RunConfig decode_cfg;
    sim::KvTransferConfig transfer;
    KvLinkInfo link;
};

// Whether the settings ask for disaggregation; throws UsageError when only one pool is given, or when a
// transfer setting is given without the pools.
bool wants_disaggregation(const RunConfig& cfg);

// Builds both pools (the prefill pool's setup into `prefill`) and the transfer. Errors name the pool's flag (or
// config key) and its SPEC. Fills the transfer settings' defaults (auto, whole) into `cfg`.
DisaggSetup make_disagg_setup(RunConfig& cfg, ServingSetup& prefill);

}  // namespace llmsim::tools
