#pragma once
// A device: datasheet peaks (per dtype), memory, links, power, and the calibrated efficiency profile that turns
// peaks into achievable times. Loaded from JSON (shipped presets or a user's profile); see docs/hardware.md.
#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/json_io.hpp"
#include "common/kernel.hpp"
#include "hardware/efficiency_curve.hpp"
#include "hardware/fpga.hpp"
#include "hardware/npu.hpp"
#include "hardware/power_model.hpp"

namespace llmsim::hardware {

inline constexpr int kHardwareSchemaVersion = 1;

struct Link {
    std::string kind;                  // nvswitch, nvlink-pairwise, pcie4, pcie5, nvlink-c2c, infiniband, ...
    double bandwidth_bytes_per_s = 0;  // per GPU, per direction
    int64_t latency_ns = 0;
    std::string source;  // where the figure comes from (datasheet, measurement)
};

// Efficiency of one kernel class (or one named op overriding its class).
struct KernelProfile {
    EfficiencyCurve compute_by_flops_per_row;  // fraction of the dtype's peak FLOP/s, by FLOPs per row of work
    EfficiencyCurve memory_by_bytes;           // fraction of peak memory bandwidth
    int64_t overhead_ns = 0;                   // fixed cost per kernel launch (launch gap, tail effects)
    double row_overhead_ns = 0;                // cost per row of work (attention: per query token x head block setup)
};

// Alpha-beta model of one collective at one group size: time = latency + bus_bytes / (link bw * efficiency(size)).
struct CollectiveProfile {
    int32_t gpus = 2;
    int64_t latency_ns = 0;
    EfficiencyCurve bus_efficiency_by_bytes;
};

// Where a profile's kernel efficiency curves come from; anything but `measured` is a guess about this device.
enum class Provenance { measured, partly_measured, transferred, default_curves };
std::string_view provenance_name(Provenance p);

struct CalibrationInfo {
    std::string source;   // what the profile was fitted on
    Provenance provenance = Provenance::measured;
    std::string command;  // the command that regenerates it
    Json report;          // fit errors per class (informational)
};

struct DeviceSpec {
    std::string id;
    std::vector<std::string> aliases;
    std::string name;
    std::string kind;  // gpu, cpu, npu, fpga
    std::string source;
    std::map<DType, double> peak_flops_per_s;  // dense
    double memory_bytes = 0;
    double memory_bandwidth_bytes_per_s = 0;
    int32_t devices_per_node = 1;
    Link intra_node;
    Link inter_node;
    Link host;
    double tdp_watts = 0;
    std::optional<PowerSpec> power;            // idle and utilisation weights; energy figures need it
    std::optional<NpuSpec> npu;                // kind "npu" only (required there)
    std::optional<FpgaSpec> fpga;              // kind "fpga" only (required there)
    std::optional<double> price_per_hour_usd;  // per GPU; what renting one costs
    std::string price_source;                  // who quotes the price and when (required with a price)

    // Calibrated profile. Kernel profiles are looked up by op name first ("rope"), then by class ("elementwise").
    std::map<std::string, KernelProfile> kernels;
    std::map<DType, double> dtype_compute_scale;  // e.g. fp8 GEMMs reach a smaller fraction of their peak
    std::map<CollectiveKind, std::vector<CollectiveProfile>> intra_node_collectives;  // sorted by gpus
    std::map<CollectiveKind, std::vector<CollectiveProfile>> inter_node_collectives;
    std::optional<CalibrationInfo> calibration;

    // The calibration's provenance, or default_curves without calibration.
    [[nodiscard]] Provenance provenance() const;
    [[nodiscard]] bool supports(DType t) const { return peak_flops_per_s.count(t) > 0; }
    // Peak for a dtype; throws UsageError naming `where` and the supported dtypes when absent.
    [[nodiscard]] double peak(DType t, const std::string& where = "--dtype") const;
    [[nodiscard]] std::string supported_dtypes() const;
};

DeviceSpec device_from_json(const Json& j, const std::string& where);
OrderedJson device_to_json(const DeviceSpec& d);

// Kernel profile used for a device without calibration data: documented round numbers, flagged in reports.
KernelProfile default_kernel_profile(OpClass c);

}  // namespace llmsim::hardware
