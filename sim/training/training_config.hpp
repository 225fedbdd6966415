#pragma once
// Everything that defines one training step to simulate, besides the model, device and cluster.
#include <cstdint>
#include <string>

#include "common/kernel.hpp"
#include "hardware/collectives.hpp"
#include "models/training_ops.hpp"

namespace llmsim::sim {

// Which communication hides behind computation (frameworks overlap some of it; each is a documented option).
struct OverlapOptions {
    bool dp = true;      // gradient reduce overlaps the last micro-batch's backward (DDP buckets)
    bool zero = true;    // ZeRO parameter gathers prefetched behind compute
    bool tp = false;     // all TP collectives overlapped with GEMMs (Transformer Engine comm overlap)
    bool tp_bwd = true;  // backward TP collectives overlapped with the weight-gradient GEMMs (Megatron default)
    bool cp = true;      // ring-attention KV exchange overlapped with the attention blocks
    bool ep = false;     // expert all-to-all overlapped with computation
    bool pp = false;     // point-to-point transfers off the compute stream (otherwise blocking sends)
    // MegaScale's per-model-chunk DP overlap (sim/training/chunked_dp_overlap.hpp): replaces dp/zero's post-pipeline
    // reduce and gather overlap. Off by default.
    bool dp_chunks = false;
};

// Parses "none", "default" or a comma list of dp, zero, tp, tp-bwd, cp, ep, pp, dp-chunks (starting from none).
OverlapOptions parse_overlap(const std::string& text, const std::string& where);
std::string overlap_to_string(const OverlapOptions& o);

struct TrainingConfig {
    models::TrainingParallel parallel;
    models::TrainingShape shape;
    models::Recompute recompute = models::Recompute::none;
    int32_t zero = 1;               // 0..3 (Megatron's distributed optimizer is ZeRO-1)
    int64_t global_batch = 1024;    // sequences per step
    DType dtype = DType::bf16;      // GEMM math type
    std::string schedule = "1f1b";  // pipeline schedule policy (interleaved when vpp > 1)
    OverlapOptions overlap;
    hardware::CollectiveAlgo collective_algo = hardware::CollectiveAlgo::automatic;
    bool allow_uneven = false;                           // pipeline stages with unequal layer counts
    double memory_reserve_bytes = 1024.0 * 1024 * 1024;  // CUDA context, library workspaces, NCCL buffers
    double dp_bucket_params = 40e6;                      // gradient bucket (Megatron DDP default: 40M parameters)

    [[nodiscard]] int32_t microbatches() const {
        return static_cast<int32_t>(global_batch / (static_cast<int64_t>(shape.micro_batch) * parallel.dp));
    }
};

}  // namespace llmsim::sim
