#pragma once
// One timed kernel: what ran (class, dtype, shape, FLOPs, bytes) and how long it took. This is the schema of
// `llmsim bench kernels` output and of every importer (docs/calibration.md documents the CSV columns).
#include <cstdint>
#include <string>
#include <vector>

#include "common/kernel.hpp"

namespace llmsim::hardware {

struct Measurement {
    std::string device;   // device id or label ("a100", "host")
    std::string backend;  // cpu, cuda, vidur-import, ...
    OpClass op_class = OpClass::gemm;
    std::string op_name;  // finer name inside the class (qkv_proj, rope, all_reduce, ...)
    DType dtype = DType::fp16;
    int64_t m = 0, n = 0, k = 0;                 // GEMM shape
    int64_t batch = 0, tokens = 0, context = 0;  // attention / element-wise shape
    int32_t group_size = 0;                      // collectives: GPUs taking part
    int32_t gpus_per_node = 0;                   // collectives: GPUs per node (== group_size: intra-node)
    double flops = 0;
    double bytes = 0;  // memory traffic; for collectives the message size per GPU
    double rows = 1;   // independent rows of work (attention: query tokens x heads); 1 for GEMMs
    int32_t threads = 0;
    int32_t repeats = 0;
    double time_ns_median = 0;
    double time_ns_min = 0;
    std::string tag;  // provenance/grouping label (e.g. the model whose shapes these are)

    [[nodiscard]] double flops_per_row() const { return flops / rows; }
    [[nodiscard]] bool is_collective() const { return op_class == OpClass::collective; }
    [[nodiscard]] bool inter_node() const { return gpus_per_node > 0 && gpus_per_node < group_size; }
};

// CSV with a header; columns documented in docs/calibration.md. Throws InputError("file:line column 'x'", ...)
// for missing columns and bad values (non-positive times, negative sizes).
std::vector<Measurement> read_measurements_csv(const std::string& path);
std::string measurements_to_csv(const std::vector<Measurement>& rows);

}  // namespace llmsim::hardware
