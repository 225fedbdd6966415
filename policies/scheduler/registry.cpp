// The explicit table of scheduler policies: add a policy by adding its file and one row here.
#include "common/error.hpp"
#include "common/nearest.hpp"
#include "policies/scheduler/scheduler.hpp"

namespace llmsim::policies {

const std::vector<SchedulerInfo>& scheduler_registry() {
    static const std::vector<SchedulerInfo> registry = {
        {"vllm",
         "vLLM v0: prefill-priority, no mixing, paged KV, recompute preemption",
         make_vllm_scheduler,
         {"max-batch", "max-batch-tokens", "gpu-memory-utilization"}},
        {"sarathi",
         "Sarathi-Serve stall-free chunked prefill (vLLM v1-like with --chunk-size 8192)",
         make_sarathi_scheduler,
         {"max-batch", "chunk-size", "gpu-memory-utilization"}},
        {"orca",
         "Orca iteration-level batching, whole prefills mixed with decodes, KV reserved for max length",
         make_orca_scheduler,
         {"max-batch", "max-batch-tokens", "max-model-len"}},
        {"static", "FasterTransformer-style static batches run to completion", make_static_scheduler, {"max-batch"}},
    };
    return registry;
}

std::vector<std::string> scheduler_names() {
    std::vector<std::string> names;
    for (const auto& s : scheduler_registry())
        names.push_back(s.name);
    return names;
}

std::unique_ptr<Scheduler> make_scheduler(const std::string& name, const SchedulerLimits& limits,
                                          const std::string& where) {
    for (const auto& s : scheduler_registry()) {
        if (s.name == name) return s.factory(limits);
    }
    throw UsageError(where, unknown_name_message("scheduler", name, scheduler_names()));
}

}  // namespace llmsim::policies
