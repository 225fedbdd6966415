#pragma once
// Device power as a function of what the roofline says the device is doing (docs/hardware.md#power):
//   P = idle + (tdp - idle) * min(1, compute_weight * compute_share + memory_weight * memory_share)
// where the shares are the fractions of a step's device time that its kernels keep the math units and the memory
// bus busy (compute_ns / time_ns and memory_ns / time_ns of the calibrated roofline). A device that is not running
// a step draws `idle`. Energy is the integral of P over the run.
#include <string>

#include "common/json_io.hpp"

namespace llmsim::hardware {

// Above this a profile's power figure is not one device (a GB200 superchip board is 2.7 kW).
inline constexpr double kMaxDeviceWatts = 5000.0;
// Memory traffic costs less than saturated math: the default weight of the memory-bound share. Source and
// rationale in docs/hardware.md#power; a profile may set its own.
inline constexpr double kDefaultMemoryPowerWeight = 0.5;

struct PowerSpec {
    double idle_watts = 0;  // powered, context loaded, no kernel running
    double tdp_watts = 0;   // the board power limit: what a saturated step draws
    double compute_weight = 1.0;
    double memory_weight = kDefaultMemoryPowerWeight;
    std::string source;  // where idle (and the weights) come from

    // Power while a step runs with the given busy shares (each in [0, 1]).
    [[nodiscard]] double step_watts(double compute_share, double memory_share) const;
    // The part above idle; the run's energy is idle x devices x duration plus these over busy time.
    [[nodiscard]] double dynamic_watts(double compute_share, double memory_share) const;
};

// Checks a TDP against the physical bound; `where` names the file and key.
void check_device_watts(double watts, const std::string& where);
// `j` is the profile's "power" object; `tdp_watts` its top-level "tdp" (required with power).
PowerSpec power_from_json(const Json& j, const std::string& where, double tdp_watts, const std::string& tdp_where);
OrderedJson power_to_json(const PowerSpec& p);

}  // namespace llmsim::hardware
