#pragma once
// Electricity in the planner's cost (docs/plan.md#energy): a deployment's energy cost is the device power of its
// runs (the power model's average over a run, hardware/power_model.hpp) scaled by the facility's power usage
// effectiveness (PUE: facility power / IT power, so cooling and power delivery count too) at a price per kWh.
#include <optional>

#include "common/json_io.hpp"

namespace llmsim::tools {

// The defaults: energy is not counted, and a facility adds nothing on top of the devices.
inline constexpr double kDefaultEnergyUsdPerKwh = 0.0;
inline constexpr double kDefaultPue = 1.0;
// Accepted ranges: no price is negative; PUE is 1 for a perfect facility, and published fleet figures sit between
// about 1.1 (hyperscale) and 2 (old enterprise rooms), so above 3 is a typo.
inline constexpr double kMaxEnergyUsdPerKwh = 100.0;
inline constexpr double kMinPue = 1.0;
inline constexpr double kMaxPue = 3.0;

struct EnergyPrice {
    double usd_per_kwh = kDefaultEnergyUsdPerKwh;
    double pue = kDefaultPue;
    [[nodiscard]] bool counted() const { return usd_per_kwh > 0; }
};

// Average device power of a run (W) from its `run --json` summary; null when the device has no power model.
std::optional<double> run_power_w(const OrderedJson& summary);
// Device energy per output token (J) of a run; null without a power model or output.
std::optional<double> run_joules_per_output_token(const OrderedJson& summary);

// USD per hour of drawing `device_power_w` at the facility (device power x PUE x price).
double energy_usd_per_hour(double device_power_w, const EnergyPrice& price);

}  // namespace llmsim::tools
