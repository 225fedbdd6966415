#pragma once
// The device catalogue: JSON presets compiled into the binary (hardware/presets/*.json) and user profiles.
#include <string>
#include <vector>

#include "hardware/device_spec.hpp"

namespace llmsim::hardware {

const std::vector<DeviceSpec>& device_presets();
std::vector<std::string> device_preset_ids();

// A preset id or alias (case-insensitive: "a100" = "a100-sxm-80gb", "h100" = "h100-sxm"), or a path to a profile
// JSON. Unknown ids list the valid ones and the nearest match.
DeviceSpec resolve_device(const std::string& id_or_path, const std::string& where = "--hardware");
DeviceSpec load_device_file(const std::string& path);

}  // namespace llmsim::hardware
