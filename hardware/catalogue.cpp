#include "hardware/catalogue.hpp"

#include <filesystem>

#include "common/embedded_data.hpp"
#include "common/error.hpp"
#include "common/nearest.hpp"
#include "common/strings.hpp"

namespace llmsim::hardware {

const std::vector<DeviceSpec>& device_presets() {
    static const std::vector<DeviceSpec> presets = [] {
        std::vector<DeviceSpec> out;
        for (const auto& f : embedded_files_under("hardware/presets/")) {
            const std::string name(f.path);
            out.push_back(device_from_json(parse_json_text(std::string(f.text), name), name));
        }
        return out;
    }();
    return presets;
}

std::vector<std::string> device_preset_ids() {
    std::vector<std::string> ids;
    for (const auto& d : device_presets())
        ids.push_back(d.id);
    return ids;
}

DeviceSpec load_device_file(const std::string& path) {
    return device_from_json(load_json_file(path), path);
}

DeviceSpec resolve_device(const std::string& id_or_path, const std::string& where) {
    const std::string lowered = to_lower(id_or_path);
    for (const auto& d : device_presets()) {
        if (d.id == lowered) return d;
        for (const auto& a : d.aliases) {
            if (a == lowered) return d;
        }
    }
    if (id_or_path.find('/') != std::string::npos || path_exists(id_or_path) ||
        (id_or_path.size() > 5 && id_or_path.substr(id_or_path.size() - 5) == ".json")) {
        return load_device_file(id_or_path);
    }
    std::vector<std::string> names = device_preset_ids();
    for (const auto& d : device_presets())
        names.insert(names.end(), d.aliases.begin(), d.aliases.end());
    throw UsageError(where, unknown_name_message("hardware", id_or_path, names) + " or a path to a profile JSON");
}

}  // namespace llmsim::hardware
