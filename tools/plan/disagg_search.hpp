#pragma once
// Placement of a disaggregated deployment, as DistServe's placement search: for a model, prefill and decode
// hardware, a workload and SLOs, every split of a GPU budget into a prefill pool (N_p replicas of TP t_p) and a
// decode pool (N_d replicas of TP t_d) is searched for its maximum goodput (the planner's bisection,
// search_candidate), and the split with the most goodput per GPU wins (ties: fewer GPUs, then enumeration order).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/json_io.hpp"
#include "tools/plan/plan_search.hpp"

namespace llmsim::tools {

struct DisaggSearchOptions {
    int64_t gpu_budget = 8;        // prefill + decode GPUs at most
    std::string prefill_hardware;  // device ids
    std::string decode_hardware;
    std::vector<int64_t> tp = {1, 2, 4, 8};  // TP degrees tried in each pool
    PlanOptions plan;                        // SLO and bisection tolerance
};

struct DisaggPlacement {
    int64_t prefill_replicas = 0, prefill_tp = 0, decode_replicas = 0, decode_tp = 0;
    int64_t gpus = 0;
    std::string status;  // ok | infeasible | error
    std::string reason;
    double capacity_rps = 0;
    double max_qps = 0;  // goodput: the highest rate meeting the SLO
    double goodput_per_gpu = 0;
    OrderedJson settings;  // `llmsim run --config` settings of the placement (qps: its goodput)
    [[nodiscard]] std::string label() const;
};

struct DisaggSearchResult {
    std::vector<DisaggPlacement> placements;  // enumeration order
    std::optional<size_t> best;
};

// `base`: run settings (model, workload, SLO targets, ...). Placements whose pools cannot hold the model are listed
// with status error.
DisaggSearchResult disagg_search(const Json& base, const DisaggSearchOptions& options);

}  // namespace llmsim::tools
