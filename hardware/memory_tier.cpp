#include "hardware/memory_tier.hpp"

#include "common/error.hpp"
#include "common/strings.hpp"
#include "common/units.hpp"

namespace llmsim::hardware {

std::vector<MemoryTier> parse_memory_tiers(std::string_view text, const std::string& where, size_t max_tiers) {
    const std::string form = "expected NAME=CAPACITY@BANDWIDTH[,...], e.g. dram=512GiB@64GB/s,ssd=4TB@7GB/s";
    std::vector<MemoryTier> tiers;
    if (trim(text).empty()) throw UsageError(where, "empty tier list (" + form + ")");
    for (std::string_view item : split(text, ',')) {
        item = trim(item);
        const size_t eq = item.find('=');
        const size_t at = item.find('@');
        if (eq == std::string_view::npos || at == std::string_view::npos || at < eq || eq == 0) {
            throw UsageError(where, "bad tier '" + std::string(item) + "' (" + form + ")");
        }
        MemoryTier t;
        t.name = std::string(trim(item.substr(0, eq)));
        for (const auto& other : tiers) {
            if (other.name == t.name) throw UsageError(where, "tier '" + t.name + "' given twice");
        }
        const std::string item_where = where + " tier '" + t.name + "'";
        t.capacity_bytes = units::parse_bytes(trim(item.substr(eq + 1, at - eq - 1)), item_where + " capacity");
        t.bandwidth_bytes_per_s = units::parse_bytes_per_s(trim(item.substr(at + 1)), item_where + " bandwidth");
        if (t.capacity_bytes <= 0) throw UsageError(item_where, "capacity must be > 0");
        if (t.bandwidth_bytes_per_s <= 0) throw UsageError(item_where, "bandwidth must be > 0");
        tiers.push_back(t);
    }
    if (tiers.size() > max_tiers) {
        throw UsageError(where,
                         std::to_string(tiers.size()) + " tiers given (at most " + std::to_string(max_tiers) + ")");
    }
    return tiers;
}

}  // namespace llmsim::hardware
