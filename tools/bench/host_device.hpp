#pragma once
// The built-in description of this host (the same as hardware/base/cpu.json, which tests keep in sync): the base
// device for calibrating a CPU (`llmsim calibrate --base cpu`) and the default device of `llmsim bench serve`.
#include <string>

#include "hardware/device_spec.hpp"

namespace llmsim::bench {

hardware::DeviceSpec host_device_spec();
// The JSON text it is parsed from.
const std::string& host_device_json();

}  // namespace llmsim::bench
