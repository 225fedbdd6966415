#pragma once
// The planner's search space: hardware x engine x scheduler x TP x PP x scheduler knobs, one replica each (replica
// counts multiply a replica's result, see plan_search.hpp). Combinations that cannot run are pruned before anything
// is simulated, each with its reason.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/json_io.hpp"

namespace llmsim::tools {

struct PlanAxes {
    std::vector<std::string> hardware;    // preset ids/aliases or profile paths (required)
    std::vector<std::string> engines;     // empty: the base's engine
    std::vector<std::string> schedulers;  // empty: each engine's own
    std::vector<int64_t> tp, pp;
    std::vector<int64_t> max_batch;   // empty: the engine's limit
    std::vector<int64_t> chunk_size;  // empty: the engine's budget
};

// One replica configuration that fits.
struct Candidate {
    int64_t index = 0;     // position in the space, for deterministic tie-breaks
    OrderedJson settings;  // resolved `run` settings (replicas 1, qps null): the sweep's run-key form
    std::string hardware;  // the device id
    std::string engine, scheduler;
    int64_t tp = 1, pp = 1, max_batch = 0, chunk_size = 0;
    int64_t gpus = 1;                    // per replica
    std::optional<double> usd_per_hour;  // per replica; null when the device has no price
    std::string label;                   // "h100-sxm tp=4 pp=1 vllm batch=256"
};

struct PrunedCombination {
    std::string reason;   // the kind, e.g. "weights + activations + KV do not fit"
    std::string message;  // the setup error, naming the values
    std::string label;
};

struct PlanSpace {
    int64_t combinations = 0;  // hardware x engines x schedulers x tp x pp x knobs as listed
    int64_t collapsed = 0;     // knob values a scheduler does not read (one run stands for them)
    std::vector<std::string> collapse_notes;
    std::vector<Candidate> candidates;
    std::vector<PrunedCombination> pruned;
    [[nodiscard]] std::map<std::string, int64_t> pruned_by_reason() const;
};

// `base`: the user's run settings (RunConfig::user_json) less the searched keys. `longest_request_tokens`: the
// workload's longest prompt + output; a replica whose KV cache cannot hold it is pruned. Setup errors other than
// the fit and divisibility rules are the base settings' fault and are thrown.
PlanSpace build_plan_space(const OrderedJson& base, const PlanAxes& axes, int64_t longest_request_tokens, int threads);

}  // namespace llmsim::tools
