#pragma once
// Calibrated roofline: time = kernels x (max(compute time at calibrated efficiency, memory time at calibrated
// efficiency) + fixed overhead); collectives use an alpha-beta model with calibrated bus efficiency.
// Knows kernels and devices only; nothing about models, requests or schedulers.
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/kernel.hpp"
#include "hardware/device_spec.hpp"

namespace llmsim::hardware {

enum class Bound { compute, memory, communication, overhead };
std::string_view bound_name(Bound b);

struct OpCost {
    double time_ns = 0;
    double compute_ns = 0;  // all launches
    double memory_ns = 0;
    double comm_ns = 0;
    double overhead_ns = 0;
    double side_ns = 0;  // work beside the device, overlapped with it (NPU float outliers on the CPU), all launches
    Bound bound = Bound::overhead;
};

class CostModel {
  public:
    explicit CostModel(DeviceSpec device);

    [[nodiscard]] const DeviceSpec& device() const { return device_; }

    // `flops`/`bytes` are totals over `kernels` equal launches (efficiency is looked up per launch).
    // `rows` is the op's independent rows of work (see models::Op::rows); compute efficiency is read at
    // flops per row per launch.
    // `rows_overlap`: the per-row setup runs in parallel blocks under the memory stream (split-KV decode kernels
    // such as FlashInfer/FlashAttention-3), so it bounds the time with compute and memory instead of adding to it.
    [[nodiscard]] OpCost kernel(OpClass cls, std::string_view op_name, DType dtype, double flops, double bytes,
                                int32_t kernels = 1, double rows = 1, bool rows_overlap = false) const;
    // `bytes` is the message size per GPU (all-reduce: the buffer each GPU holds); `calls` repeats it.
    [[nodiscard]] OpCost collective(CollectiveKind kind, double bytes, int32_t group_size, bool inter_node,
                                    int32_t calls = 1) const;
    // Time of `bytes` over the device's host link (latency + bytes / bandwidth); the link must be known.
    [[nodiscard]] double host_transfer_ns(double bytes) const;
    // `cost` of an op whose device work overlaps a host-link transfer of `bytes`: the longer of the two, the
    // transfer counted as communication.
    void overlap_host_transfer(OpCost& cost, double bytes) const;
    // This model with every memory-efficiency curve raised, keeping its shape, so that its maximum is at least
    // `ceiling` (a fraction of peak bandwidth); curves already reaching it are unchanged.
    [[nodiscard]] CostModel with_memory_ceiling(double ceiling) const;
    // Peak for a dtype, falling back to fp32 (then the largest peak) for element-wise math a device lacks.
    [[nodiscard]] double math_peak(DType dtype) const;

    // The roofline of one launch with a given profile; shared with the calibration fitter so both agree exactly.
    static double roofline_ns(const KernelProfile& p, double peak_flops_per_s, double bandwidth_bytes_per_s,
                              double flops, double bytes, double rows);

    // Bytes that cross each GPU's link for a collective (the "bus bytes" of NCCL's performance notes).
    static double bus_bytes(CollectiveKind kind, double bytes, int32_t group_size);
    // Sequential steps of a ring algorithm; latency-bound collectives scale with it.
    static int32_t ring_steps(CollectiveKind kind, int32_t n);

  private:
    [[nodiscard]] const KernelProfile& profile(OpClass cls, std::string_view op_name) const;

    DeviceSpec device_;
    std::array<KernelProfile, kAllOpClasses.size()> class_profiles_;
    std::vector<std::pair<std::string, KernelProfile>> named_profiles_;  // op-name overrides ("rope")
};

}  // namespace llmsim::hardware
