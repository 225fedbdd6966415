#pragma once
// Importers that turn third-party measurement files into llmsim measurement rows (same schema as
// `llmsim bench kernels`). FLOPs and bytes are computed with the same op formulas the simulator uses.
#include <string>
#include <vector>

#include "hardware/calibration/measurement.hpp"

namespace llmsim::tools {

// Vidur per-op profile `compute/<device>/<model>/mlp.csv` (times in ms, per-TP-shard shapes of one layer).
// `device` labels the rows; `tag` (usually the model folder name) supports cross-model hold-out.
std::vector<hardware::Measurement> import_vidur_mlp(const std::string& path, const std::string& device,
                                                    const std::string& tag);
// Vidur NCCL profile `network/<node>/{all_reduce,send_recv}.csv` (size in bytes, times in ms).
std::vector<hardware::Measurement> import_vidur_network(const std::string& path, const std::string& device);
// The attention samples CSV (phase,batch_size,prefill_chunk_size,kv_cache_size,attn_time_ms_median) of a
// Llama-2-7B TP1 FlashAttention profile.
std::vector<hardware::Measurement> import_attention_samples(const std::string& path, const std::string& device,
                                                            const std::string& model_id);
// Published achievable fractions (gpu,test,size,value,unit): GEMM TFLOP/s by m=n=k, HBM triad, FlashAttention-2,
// NCCL all-reduce bus bandwidth. Rows for other devices are skipped.
std::vector<hardware::Measurement> import_achievable_fractions(const std::string& path, const std::string& device);

// A directory laid out like vidur's data/profiling: compute/<vidur_device>/<model>/mlp.csv and
// network/<vidur_node>/{all_reduce,send_recv}.csv. `network_node` picks the node type (e.g. "a100_dgx").
std::vector<hardware::Measurement> import_vidur_dir(const std::string& dir, const std::string& vidur_device,
                                                    const std::string& network_node);

}  // namespace llmsim::tools
