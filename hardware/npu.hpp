#pragma once
// NPU mechanisms (docs/hardware.md#npu), after mllm-NPU (Xu et al., "Empowering 1000 tokens/second on-device LLM
// prefilling with mllm-NPU"): matrix units that run one dtype (INT8 on a mobile NPU) whatever the model's dtype;
// static graph shapes, so a prefill of L tokens runs ceil(L / chunk) fixed-shape passes (padding the last); float
// outlier channels computed on the CPU beside the NPU, overlapped with it, reading their weights over the same
// shared LPDDR bus, drawing its own power while it does (energy of a serving run). A profile of kind "npu" must
// carry an "npu" object.
#include <cstdint>
#include <string>

#include "common/json_io.hpp"
#include "common/kernel.hpp"

namespace llmsim::hardware {

struct NpuSpec {
    DType matrix_dtype = DType::int8;  // what the matrix units compute in (GEMMs run at its peak)
    int32_t prefill_chunk_tokens = 0;  // static prefill shape; 0: shapes are dynamic (no chunking)
    double outlier_fraction = 0;       // share of GEMM work done in float on the CPU
    double outlier_flops_per_s = 0;    // the CPU's float peak for that work (required with a fraction > 0)
    bool shared_memory = false;        // the CPU's outlier weight reads share the device's memory bus
    double outlier_watts = 0;  // the CPU's draw above idle while it runs the outliers; 0: not counted in the energy
    std::string source;
};

NpuSpec npu_from_json(const Json& j, const std::string& where);
OrderedJson npu_to_json(const NpuSpec& n);

// Fixed-shape passes a prefill of `tokens` needs (1 without static shapes).
int64_t npu_prefill_passes(const NpuSpec& n, int64_t tokens);

}  // namespace llmsim::hardware
