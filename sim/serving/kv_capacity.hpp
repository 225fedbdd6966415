#pragma once
// How many KV blocks a replica gets: (device memory x utilisation - weights - activation workspace - runtime
// reserve) per GPU, divided by the KV bytes of one block. A model that does not fit is a clear error.
#include <cstdint>
#include <string>

#include "hardware/device_spec.hpp"
#include "sim/cost/forward_cost.hpp"

namespace llmsim::sim {

// CUDA context, NCCL buffers and allocator slack that never hold KV (vLLM reports 0.5-1.5 GiB of "non-torch"
// memory; we reserve 1 GiB).
inline constexpr double kRuntimeReservedBytes = 1024.0 * 1024 * 1024;

struct KvCapacity {
    double usable_bytes_per_gpu = 0;
    double weight_bytes_per_gpu = 0;
    double activation_bytes_per_gpu = 0;
    double kv_bytes_per_gpu = 0;
    double kv_bytes_per_token_per_gpu = 0;
    int64_t blocks = 0;
    int64_t tokens = 0;
};

// Memory a speculative drafter takes beside the target on each GPU (zero without speculation).
struct DrafterMemory {
    double weight_bytes_per_gpu = 0;
    double kv_bytes_per_token_per_gpu = 0;  // the drafter's KV for every token a request holds
};

// Throws UsageError naming the model, the numbers and what to try when nothing is left for the KV cache.
KvCapacity kv_capacity(const Deployment& d, const hardware::DeviceSpec& device, double gpu_memory_utilization,
                       int32_t block_tokens, int64_t max_batch_tokens, int64_t max_batch_seqs,
                       const DrafterMemory& drafter = {});

}  // namespace llmsim::sim
