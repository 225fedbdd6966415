#include "tools/plan/plan_energy.hpp"

#include "common/error.hpp"

namespace llmsim::tools {

std::optional<double> run_power_w(const OrderedJson& summary) {
    if (!summary.is_object() || !summary.contains("average_power_w")) return std::nullopt;
    return summary.at("average_power_w").get<double>();
}

std::optional<double> run_joules_per_output_token(const OrderedJson& summary) {
    if (!summary.is_object() || !summary.contains("energy_j_per_token")) return std::nullopt;
    const OrderedJson& v = summary.at("energy_j_per_token").at("output");
    if (v.is_null()) return std::nullopt;
    return v.get<double>();
}

double energy_usd_per_hour(double device_power_w, const EnergyPrice& price) {
    LLMSIM_ASSERT(device_power_w >= 0, "negative device power");
    LLMSIM_ASSERT(price.pue >= kMinPue && price.pue <= kMaxPue, "PUE out of range");
    constexpr double kWattsPerKw = 1000.0;  // one hour at P watts is P / 1000 kWh
    return device_power_w * price.pue / kWattsPerKw * price.usd_per_kwh;
}

}  // namespace llmsim::tools
