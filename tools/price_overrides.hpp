#pragma once
// `--price ID=USD[,ID=USD...]`: GPU prices per hour that replace the hardware profiles' quotes for this run.
#include <string>
#include <utility>
#include <vector>

#include "hardware/device_spec.hpp"

namespace llmsim::tools {

struct PriceOverride {
    std::string hardware;  // as given: a preset id, an alias or a profile's id
    double usd_per_gpu_hour = 0;
};

// Largest accepted price: above it a typo (cents for dollars, a cluster's price for one GPU) is more likely.
inline constexpr double kMaxPricePerGpuHourUsd = 1000;

// Parses the list; each price must be a number in (0, kMaxPricePerGpuHourUsd]. Errors name `where`.
std::vector<PriceOverride> parse_price_overrides(const std::string& text, const std::string& where);

// Sets the device's price from the entry naming it (id or alias). An entry naming another preset is left for the
// runs that use it (a sweep shares one list); an entry naming no known hardware is an error with the nearest id.
void apply_price_overrides(hardware::DeviceSpec& device, const std::vector<PriceOverride>& prices,
                           const std::string& where);

}  // namespace llmsim::tools
