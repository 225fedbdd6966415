#pragma once
// The GPU side of `llmsim bench kernels --backend cuda`: planned cases run through a GpuKernelRunner. The real
// runner is the CUDA plugin (tools/bench/cuda/), loaded at run time with dlopen so the CPU build never depends on
// CUDA; tests drive the same planning and row building with a fake runner.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "hardware/calibration/measurement.hpp"
#include "models/model_spec.hpp"
#include "tools/bench/cpu/cpu_case_runner.hpp"
#include "tools/bench/kernel_plan.hpp"
#include "tools/bench/timing.hpp"

namespace llmsim::bench {

enum class CopyKind { h2d, d2h, d2d };

class GpuKernelRunner {
  public:
    virtual ~GpuKernelRunner() = default;
    [[nodiscard]] virtual std::string device_name() const = 0;
    [[nodiscard]] virtual int32_t nccl_gpus() const = 0;  // GPUs an all-reduce can span (0: no NCCL)
    virtual TimingResult gemm(int64_t m, int64_t n, int64_t k, DType dtype, const TimingOptions& opt) = 0;
    virtual TimingResult copy(CopyKind kind, int64_t bytes, const TimingOptions& opt) = 0;
    virtual TimingResult decode_attention(int32_t seqs, int32_t context, int32_t heads, int32_t kv_heads,
                                          int32_t head_dim, const TimingOptions& opt) = 0;
    virtual TimingResult all_reduce(int32_t gpus, int64_t bytes, const TimingOptions& opt) = 0;
};

// Loads the CUDA plugin and opens `device`. Where the plugin is looked for: $LLMSIM_CUDA_PLUGIN, next to the llmsim
// binary, then the loader's search path. Throws UsageError("--backend", ...) saying why the backend is unavailable
// (not built with the CUDA toolkit, no driver, no GPU).
std::unique_ptr<GpuKernelRunner> load_cuda_runner(int32_t device);

std::vector<hardware::Measurement> run_gpu_cases(const std::vector<KernelCase>& cases,
                                                 const std::vector<models::ModelSpec>& families,
                                                 GpuKernelRunner& runner, const std::string& device,
                                                 const TimingOptions& timing, const CaseProgress& progress = {});

}  // namespace llmsim::bench
