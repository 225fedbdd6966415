#pragma once
// Serving defaults, stated once: the settings table (`llmsim run --help`, config.resolved.json), the structs that
// carry the settings and the tests all read these.
#include <cstdint>

namespace llmsim::sim::defaults {

inline constexpr int32_t max_batch_seqs = 256;     // vLLM max_num_seqs
inline constexpr int64_t max_batch_tokens = 8192;  // vLLM max_num_batched_tokens
inline constexpr int64_t chunk_size = 512;         // Sarathi-Serve token budget
inline constexpr int64_t max_model_len = 4096;     // overridden by the model's context length in `run`
inline constexpr double kv_watermark = 0.01;       // vLLM's watermark: blocks kept free when admitting
inline constexpr int32_t block_tokens = 16;        // vLLM's block_size
inline constexpr double gpu_memory_utilization = 0.9;
inline constexpr double swap_space_gib = 4.0;  // vLLM's swap_space per GPU

}  // namespace llmsim::sim::defaults
