#include "sim/serving/kv_capacity.hpp"

#include <cmath>

#include "common/error.hpp"
#include "common/units.hpp"

namespace llmsim::sim {

KvCapacity kv_capacity(const Deployment& d, const hardware::DeviceSpec& device, double gpu_memory_utilization,
                       int32_t block_tokens, int64_t max_batch_tokens, int64_t max_batch_seqs,
                       const DrafterMemory& drafter) {
    if (!(gpu_memory_utilization > 0 && gpu_memory_utilization <= 1)) {
        throw UsageError("--gpu-memory-utilization",
                         "must be in (0, 1], got " + std::to_string(gpu_memory_utilization));
    }
    if (block_tokens <= 0) throw UsageError("--block-size", "must be > 0, got " + std::to_string(block_tokens));
    const auto footprint = models::memory_footprint(d.model, d.shard, d.parallel, d.precision);
    KvCapacity c;
    c.usable_bytes_per_gpu = device.memory_bytes * gpu_memory_utilization;
    // A flash weights tier keeps only its budget in memory; the rest is read per pass.
    const double weights = d.resident_weight_bytes > 0 ? d.resident_weight_bytes : footprint.weight_bytes_per_gpu;
    c.weight_bytes_per_gpu = weights + drafter.weight_bytes_per_gpu;
    c.activation_bytes_per_gpu =
        models::activation_workspace_bytes(d.model, d.shard, d.precision, max_batch_tokens, max_batch_seqs);
    c.kv_bytes_per_token_per_gpu = footprint.kv_bytes_per_token_per_gpu + drafter.kv_bytes_per_token_per_gpu;
    c.kv_bytes_per_gpu =
        c.usable_bytes_per_gpu - c.weight_bytes_per_gpu - c.activation_bytes_per_gpu - kRuntimeReservedBytes;
    const double block_bytes = c.kv_bytes_per_token_per_gpu * block_tokens;
    c.blocks = c.kv_bytes_per_gpu > 0 ? static_cast<int64_t>(std::floor(c.kv_bytes_per_gpu / block_bytes)) : 0;
    c.tokens = c.blocks * block_tokens;
    if (c.blocks <= 0) {
        throw UsageError("--model", d.model.id + " does not fit on " + device.id + " with tp=" +
                                        std::to_string(d.parallel.tp) + " pp=" + std::to_string(d.parallel.pp) +
                                        ": weights " + units::format_bytes(c.weight_bytes_per_gpu) + " + activations " +
                                        units::format_bytes(c.activation_bytes_per_gpu) + " + runtime " +
                                        units::format_bytes(kRuntimeReservedBytes) + " exceed the usable " +
                                        units::format_bytes(c.usable_bytes_per_gpu) +
                                        " per GPU (memory x --gpu-memory-utilization); "
                                        "raise --tp/--pp, use a larger device or a smaller --dtype");
    }
    return c;
}

}  // namespace llmsim::sim
