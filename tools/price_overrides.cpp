#include "tools/price_overrides.hpp"

#include "common/error.hpp"
#include "common/nearest.hpp"
#include "common/strings.hpp"
#include "hardware/catalogue.hpp"

namespace llmsim::tools {
namespace {

bool names(const hardware::DeviceSpec& d, const std::string& lowered) {
    if (d.id == lowered) return true;
    for (const auto& a : d.aliases) {
        if (a == lowered) return true;
    }
    return false;
}

}  // namespace

std::vector<PriceOverride> parse_price_overrides(const std::string& text, const std::string& where) {
    std::vector<PriceOverride> out;
    for (const auto part : split(text, ',')) {
        const std::string_view item = trim(part);
        const size_t eq = item.find('=');
        if (eq == std::string_view::npos || eq == 0) {
            throw UsageError(
                where, "bad entry '" + std::string(item) + "' (expected HARDWARE=USD_PER_GPU_HOUR, e.g. h100=2.49)");
        }
        PriceOverride p;
        p.hardware = to_lower(trim(item.substr(0, eq)));
        const std::string value(trim(item.substr(eq + 1)));
        const auto usd = parse_double(value);
        if (!usd || *usd <= 0 || *usd > kMaxPricePerGpuHourUsd) {
            throw UsageError(where, "bad price '" + value + "' for " + p.hardware +
                                        " (expected USD per GPU-hour in (0, " + format_double(kMaxPricePerGpuHourUsd) +
                                        "])");
        }
        p.usd_per_gpu_hour = *usd;
        for (const auto& q : out) {
            if (q.hardware == p.hardware) throw UsageError(where, "price for " + p.hardware + " given twice");
        }
        out.push_back(p);
    }
    return out;
}

void apply_price_overrides(hardware::DeviceSpec& device, const std::vector<PriceOverride>& prices,
                           const std::string& where) {
    for (const auto& p : prices) {
        if (names(device, p.hardware)) {
            device.price_per_hour_usd = p.usd_per_gpu_hour;
            device.price_source = where;
            continue;
        }
        bool preset = false;
        for (const auto& d : hardware::device_presets())
            preset = preset || names(d, p.hardware);
        if (preset) continue;
        std::vector<std::string> valid = hardware::device_preset_ids();
        for (const auto& d : hardware::device_presets())
            valid.insert(valid.end(), d.aliases.begin(), d.aliases.end());
        valid.push_back(device.id);
        throw UsageError(where, unknown_name_message("hardware", p.hardware, valid));
    }
}

}  // namespace llmsim::tools
