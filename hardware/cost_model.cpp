#include "hardware/cost_model.hpp"

#include <algorithm>
#include <cmath>

#include "common/error.hpp"

namespace llmsim::hardware {

std::string_view bound_name(Bound b) {
    switch (b) {
        case Bound::compute:
            return "compute";
        case Bound::memory:
            return "memory";
        case Bound::communication:
            return "comm";
        case Bound::overhead:
            return "overhead";
    }
    return "?";
}

CostModel::CostModel(DeviceSpec device) : device_(std::move(device)) {
    for (size_t i = 0; i < kAllOpClasses.size(); ++i) {
        const OpClass c = kAllOpClasses[i];
        auto it = device_.kernels.find(std::string(op_class_name(c)));
        class_profiles_[i] = it != device_.kernels.end() ? it->second : default_kernel_profile(c);
    }
    for (const auto& [name, prof] : device_.kernels) {
        if (!op_class_from_name(name)) named_profiles_.emplace_back(name, prof);
    }
}

const KernelProfile& CostModel::profile(OpClass cls, std::string_view op_name) const {
    for (const auto& [name, prof] : named_profiles_) {
        if (name == op_name) return prof;
    }
    return class_profiles_[static_cast<size_t>(cls)];
}

CostModel CostModel::with_memory_ceiling(double ceiling) const {
    LLMSIM_ASSERT(ceiling > 0 && ceiling <= 1, "memory-efficiency ceiling must be in (0, 1]");
    CostModel c = *this;
    auto raise = [ceiling](KernelProfile& p) {
        double top = 0;
        for (const auto& [bytes, eff] : p.memory_by_bytes.points())
            top = std::max(top, eff);
        if (top > 0 && top < ceiling) p.memory_by_bytes = p.memory_by_bytes.scaled(ceiling / top);
    };
    for (auto& p : c.class_profiles_)
        raise(p);
    for (auto& [name, p] : c.named_profiles_)
        raise(p);
    return c;
}

double CostModel::math_peak(DType dtype) const {
    auto it = device_.peak_flops_per_s.find(dtype);
    if (it != device_.peak_flops_per_s.end()) return it->second;
    auto fp32 = device_.peak_flops_per_s.find(DType::fp32);
    if (fp32 != device_.peak_flops_per_s.end()) return fp32->second;
    double best = 0;
    for (const auto& [t, v] : device_.peak_flops_per_s)
        best = std::max(best, v);
    return best;
}

OpCost CostModel::kernel(OpClass cls, std::string_view op_name, DType dtype, double flops, double bytes,
                         int32_t kernels, double rows, bool rows_overlap) const {
    LLMSIM_ASSERT(flops >= 0 && bytes >= 0 && kernels >= 1, "kernel work must be non-negative");
    const KernelProfile& p = profile(cls, op_name);
    const double per_flops = flops / kernels;
    const double per_bytes = bytes / kernels;
    double scale = 1.0;
    if (auto it = device_.dtype_compute_scale.find(dtype); it != device_.dtype_compute_scale.end()) {
        scale = it->second;
    }
    double peak = math_peak(dtype) * scale;
    OpCost c;
    const double per_rows = std::max(1.0, rows / kernels);
    // Kind mechanisms change the work the roofline sees (hardware/npu.hpp, hardware/fpga.hpp). Efficiencies are read
    // at the op's own size, as calibrated.
    double math_flops = per_flops;
    double bus_bytes = per_bytes;
    double side_ns = 0;  // work beside the device that overlaps it (NPU float outliers on the CPU)
    if (device_.npu && cls == OpClass::gemm) {
        const NpuSpec& n = *device_.npu;
        peak = device_.peak(n.matrix_dtype) * scale;
        if (n.outlier_fraction > 0) {
            side_ns = kernels * n.outlier_fraction * per_flops / n.outlier_flops_per_s * 1e9;
            if (n.shared_memory) bus_bytes += n.outlier_fraction * per_bytes;
        }
    }
    if (device_.fpga) {
        const FpgaSpec& f = *device_.fpga;
        if (cls == OpClass::gemm) {
            peak = device_.peak(f.matrix_dtype) * scale;
            math_flops /= f.sparsity_speedup();
            bus_bytes *= f.gemm_bytes_factor();
        } else if ((cls == OpClass::elementwise || cls == OpClass::embedding) && per_bytes <= f.on_chip_bytes) {
            bus_bytes = 0;  // always-on-chip: activations that fit stay in on-chip memory
        }
    }
    c.compute_ns =
        per_flops > 0 ? kernels * math_flops / (peak * p.compute_by_flops_per_row.at(per_flops / per_rows)) * 1e9
                      : 0.0;
    c.compute_ns = std::max(c.compute_ns, side_ns);
    c.side_ns = side_ns;
    c.memory_ns = bus_bytes > 0 ? kernels * bus_bytes /
                                      (device_.memory_bandwidth_bytes_per_s * p.memory_by_bytes.at(per_bytes)) * 1e9
                                : 0.0;
    const double row_ns = rows * p.row_overhead_ns;
    c.overhead_ns = static_cast<double>(kernels) * static_cast<double>(p.overhead_ns) + (rows_overlap ? 0.0 : row_ns);
    const double busy = std::max({c.compute_ns, c.memory_ns, rows_overlap ? row_ns : 0.0});
    c.time_ns = busy + c.overhead_ns;
    if (c.overhead_ns > busy) {
        c.bound = Bound::overhead;
    } else {
        c.bound = c.compute_ns >= c.memory_ns ? Bound::compute : Bound::memory;
    }
    return c;
}

double CostModel::roofline_ns(const KernelProfile& p, double peak_flops_per_s, double bandwidth_bytes_per_s,
                              double flops, double bytes, double rows) {
    const double compute =
        flops > 0 ? flops / (peak_flops_per_s * p.compute_by_flops_per_row.at(flops / rows)) * 1e9 : 0.0;
    const double memory = bytes > 0 ? bytes / (bandwidth_bytes_per_s * p.memory_by_bytes.at(bytes)) * 1e9 : 0.0;
    return std::max(compute, memory) + static_cast<double>(p.overhead_ns) + rows * p.row_overhead_ns;
}

double CostModel::bus_bytes(CollectiveKind kind, double bytes, int32_t group_size) {
    const double n = group_size;
    switch (kind) {
        case CollectiveKind::all_reduce:
            return 2.0 * (n - 1) / n * bytes;
        case CollectiveKind::all_gather:
        case CollectiveKind::reduce_scatter:
        case CollectiveKind::all_to_all:
            return (n - 1) / n * bytes;
        case CollectiveKind::send_recv:
            return bytes;
    }
    return bytes;
}

int32_t CostModel::ring_steps(CollectiveKind kind, int32_t n) {
    switch (kind) {
        case CollectiveKind::all_reduce:
            return 2 * (n - 1);
        case CollectiveKind::all_gather:
        case CollectiveKind::reduce_scatter:
        case CollectiveKind::all_to_all:
            return n - 1;
        case CollectiveKind::send_recv:
            return 1;
    }
    return 1;
}

double CostModel::host_transfer_ns(double bytes) const {
    const Link& link = device_.host;
    LLMSIM_ASSERT(link.bandwidth_bytes_per_s > 0, "device " + device_.id + " has no host link bandwidth");
    return static_cast<double>(link.latency_ns) + bytes / link.bandwidth_bytes_per_s * 1e9;
}

void CostModel::overlap_host_transfer(OpCost& cost, double bytes) const {
    const double host_ns = host_transfer_ns(bytes);
    cost.comm_ns = host_ns;
    if (host_ns > cost.time_ns) {
        cost.time_ns = host_ns;
        cost.bound = Bound::communication;
    }
}

OpCost CostModel::collective(CollectiveKind kind, double bytes, int32_t group_size, bool inter_node,
                             int32_t calls) const {
    OpCost c;
    c.bound = Bound::communication;
    if (group_size <= 1 || bytes <= 0 || calls <= 0) return c;
    const Link& link = inter_node ? device_.inter_node : device_.intra_node;
    LLMSIM_ASSERT(link.bandwidth_bytes_per_s > 0,
                  "collective over a link without bandwidth (device " + device_.id + ")");
    const auto& table = inter_node ? device_.inter_node_collectives : device_.intra_node_collectives;
    const double bus = bus_bytes(kind, bytes, group_size);
    double latency_ns = static_cast<double>(link.latency_ns) * ring_steps(kind, group_size);
    double efficiency = 0.7;
    if (auto it = table.find(kind); it != table.end() && !it->second.empty()) {
        // Nearest calibrated group size; latency scales with ring steps from there.
        const CollectiveProfile* best = &it->second.front();
        for (const auto& p : it->second) {
            if (std::abs(p.gpus - group_size) < std::abs(best->gpus - group_size)) best = &p;
        }
        latency_ns =
            static_cast<double>(best->latency_ns) * ring_steps(kind, group_size) / ring_steps(kind, best->gpus);
        efficiency = best->bus_efficiency_by_bytes.at(bytes);
    }
    c.overhead_ns = calls * latency_ns;
    c.comm_ns = calls * bus / (link.bandwidth_bytes_per_s * efficiency) * 1e9;
    c.time_ns = c.overhead_ns + c.comm_ns;
    return c;
}

}  // namespace llmsim::hardware
