// The explicit table of scheduler policies: add a policy by adding its file and one row here.
#include "policies/scheduler/scheduler_registry.hpp"

namespace llmsim::policies {

const Registry<SchedulerInfo>& scheduler_registry() {
    static const Registry<SchedulerInfo> registry(
        "scheduler",
        {
            {"vllm",
             "vLLM v0: prefill-priority, no mixing, paged KV, preemption of the newest request",
             make_vllm_scheduler,
             {},
             {"max-batch", "max-batch-tokens", "gpu-memory-utilization", "preemption"}},
            {"sarathi",
             "Sarathi-Serve stall-free chunked prefill (vLLM v1-like with --chunk-size 8192)",
             make_sarathi_scheduler,
             {},
             {"max-batch", "chunk-size", "gpu-memory-utilization", "preemption"}},
            {"orca",
             "Orca iteration-level batching, whole prefills mixed with decodes, KV reserved for max length",
             make_orca_scheduler,
             {},
             {"max-batch", "max-batch-tokens", "max-model-len"}},
            {"static",
             "FasterTransformer-style static batches run to completion",
             make_static_scheduler,
             {},
             {"max-batch", "max-batch-tokens"}},
        });
    return registry;
}

std::unique_ptr<sim::Scheduler> make_scheduler(const std::string& name, const sim::SchedulerLimits& limits,
                                               const std::string& where) {
    return scheduler_registry().get(name, where).factory(limits);
}

}  // namespace llmsim::policies
