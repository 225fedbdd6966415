#pragma once
// What `llmsim bench kernels` measures: the kernels a transformer layer runs, at the shapes it runs them, with FLOPs,
// bytes and rows taken from the same op model the simulator prices (models::build_forward_ops), so a fitted profile
// predicts the simulator's ops without any translation. Plus shape sweeps that do not come from a model (square
// GEMMs, memory streaming over cache-to-DRAM sizes, host<->device copies, collectives).
#include <cstdint>
#include <string>
#include <vector>

#include "hardware/calibration/measurement.hpp"
#include "models/model_spec.hpp"

namespace llmsim::bench {

enum class CaseKind {
    model_op,      // one op of a model family's forward pass (row.op_name says which)
    square_gemm,   // m = n = k GEMM
    stream_copy,   // dst = src over `elements` floats
    stream_triad,  // a = b + s * c over `elements` floats
    memcpy_h2d,    // CUDA host -> device copy of row.bytes
    memcpy_d2h,
    memcpy_d2d,
    all_reduce,  // NCCL all-reduce of row.bytes per GPU over row.group_size GPUs
};

struct KernelCase {
    hardware::Measurement row;  // everything except the timing and the host fields (device, threads)
    CaseKind kind = CaseKind::model_op;
    int32_t family = -1;     // model_op: index into PlanOptions::families
    int64_t seqs = 0;        // attention: sequences in the batch (all alike)
    int64_t new_tokens = 0;  // attention: query tokens per sequence; other ops: tokens in the pass
    int64_t context = 0;     // attention: cached tokens per sequence before the new ones
    int64_t elements = 0;    // streaming: floats per array
};

struct PlanOptions {
    bool quick = false;
    std::vector<models::ModelSpec> families;  // layer shapes to measure
    std::vector<DType> gemm_dtypes;           // first: the model dtype; others get a smaller GEMM sweep
    bool square_gemms = true;
    bool streaming = true;
};

// The CPU backend's cases (fp32 model ops; bf16 GEMMs when listed in gemm_dtypes).
std::vector<KernelCase> plan_cpu_kernels(const PlanOptions& options);
// The CUDA backend's cases: model GEMMs and decode attention in the first dtype (fp16 by default), square GEMMs,
// copies in every direction and, when `all_reduce_gpus` >= 2, NCCL all-reduce sizes.
std::vector<KernelCase> plan_cuda_kernels(const PlanOptions& options, int32_t all_reduce_gpus);

// Token counts per pass the plan sweeps (exposed for tests and docs).
std::vector<int64_t> planned_token_counts(bool quick);

}  // namespace llmsim::bench
