#pragma once
// The built-in description of this host (the same as hardware/base/host.json, which tests keep in sync): the base
// device for calibrating a CPU (`llmsim calibrate --base host`) and the default device of `llmsim bench serve`.
// Its id is "host"; "cpu" is accepted there as a deprecated alias, because everywhere else `--hardware cpu` is an
// alias of the xeon-8480 preset.
#include <string>

#include "hardware/device_spec.hpp"

namespace llmsim::bench {

inline constexpr const char* kHostDeviceId = "host";
inline constexpr const char* kDeprecatedHostDeviceId = "cpu";

hardware::DeviceSpec host_device_spec();
// True when `id` (the value of `flag`) names the built-in host profile: "host", or "cpu" with one deprecation warning
// on stderr.
bool names_host_device(const std::string& id, const std::string& flag);
// The JSON text it is parsed from.
const std::string& host_device_json();

}  // namespace llmsim::bench
