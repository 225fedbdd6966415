#pragma once
// Memory tiers below device memory (host DRAM, CXL, SSD/flash) as a user describes them:
// "NAME=CAPACITY@BANDWIDTH[,NAME=CAPACITY@BANDWIDTH...]", fastest first, e.g. "dram=512GiB@64GB/s,ssd=4TB@7GB/s".
#include <string>
#include <string_view>
#include <vector>

namespace llmsim::hardware {

struct MemoryTier {
    std::string name;
    double capacity_bytes = 0;
    double bandwidth_bytes_per_s = 0;  // to and from device memory
};

// Throws UsageError at `where` naming the bad item and the expected form (empty names, repeated names, zero or
// missing capacity or bandwidth, more than `max_tiers` tiers).
std::vector<MemoryTier> parse_memory_tiers(std::string_view text, const std::string& where, size_t max_tiers);

}  // namespace llmsim::hardware
