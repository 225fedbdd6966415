#pragma once
// Executes planned kernel cases on this host's CPU and times them (the CPU backend of `llmsim bench kernels`).
// Weights and KV caches are read cold, as in a real forward pass whose working set dwarfs the caches: every call
// takes them from the next slot of an arena several times the last-level cache. Activations are hot, as they are
// when the previous kernel has just written them.
#include <cstdint>
#include <functional>
#include <vector>

#include "hardware/calibration/measurement.hpp"
#include "models/model_spec.hpp"
#include "tools/bench/cpu/cpu_kernels.hpp"
#include "tools/bench/kernel_plan.hpp"
#include "tools/bench/timing.hpp"

namespace llmsim::bench {

struct CpuRunOptions {
    int32_t threads = 1;
    std::string device = "host";
    TimingOptions timing;
};

// Called after each case with (cases done, total, the finished row).
using CaseProgress = std::function<void(size_t, size_t, const hardware::Measurement&)>;

std::vector<hardware::Measurement> run_cpu_cases(const std::vector<KernelCase>& cases,
                                                 const std::vector<models::ModelSpec>& families,
                                                 const CpuRunOptions& options, const CaseProgress& progress = {});

}  // namespace llmsim::bench
