#include "hardware/power_model.hpp"

#include <algorithm>
#include <cmath>

#include "common/error.hpp"
#include "common/strings.hpp"
#include "common/units.hpp"

namespace llmsim::hardware {

double PowerSpec::dynamic_watts(double compute_share, double memory_share) const {
    LLMSIM_ASSERT(compute_share >= 0 && memory_share >= 0, "busy shares must be non-negative");
    const double u = std::min(1.0, compute_weight * std::min(1.0, compute_share) +
                                       memory_weight * std::min(1.0, memory_share));
    return (tdp_watts - idle_watts) * u;
}

double PowerSpec::step_watts(double compute_share, double memory_share) const {
    return idle_watts + dynamic_watts(compute_share, memory_share);
}

void check_device_watts(double watts, const std::string& where) {
    if (!(watts > 0) || watts > kMaxDeviceWatts) {
        throw InputError(where, "power " + format_double(watts, 6) + " W is outside (0, " +
                                    format_double(kMaxDeviceWatts, 6) + "] W for one device");
    }
}

PowerSpec power_from_json(const Json& j, const std::string& where, double tdp_watts, const std::string& tdp_where) {
    JsonObjectReader r(j, where);
    PowerSpec p;
    if (tdp_watts <= 0) throw InputError(tdp_where, "a power model needs the device's tdp (e.g. \"700W\")");
    p.tdp_watts = tdp_watts;
    p.idle_watts = units::parse_watts(r.get_string("idle"), r.where("idle"));
    if (!(p.idle_watts >= 0) || p.idle_watts > tdp_watts) {
        throw InputError(r.where("idle"), "idle power " + format_double(p.idle_watts, 6) + " W must be in [0, tdp = " +
                                              format_double(tdp_watts, 6) + " W]");
    }
    auto weight = [&r](const char* key, double fallback) {
        const double w = r.opt_number(key).value_or(fallback);
        if (!(w >= 0) || w > 1) throw InputError(r.where(key), "expected a weight in [0, 1]");
        return w;
    };
    p.compute_weight = weight("compute_weight", 1.0);
    p.memory_weight = weight("memory_weight", kDefaultMemoryPowerWeight);
    p.source = r.get_string("source");
    r.finish();
    return p;
}

OrderedJson power_to_json(const PowerSpec& p) {
    OrderedJson j;
    j["idle"] = format_double(p.idle_watts, 6) + "W";
    j["compute_weight"] = p.compute_weight;
    j["memory_weight"] = p.memory_weight;
    j["source"] = p.source;
    return j;
}

}  // namespace llmsim::hardware
