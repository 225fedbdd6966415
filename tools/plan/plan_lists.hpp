#pragma once
// The planner's list flags: "--tp 1,2,4,8", "--replicas 1..16", "--hardware h100,a100,l40s".
#include <cstdint>
#include <string>
#include <vector>

namespace llmsim::tools {

// Comma-separated whole numbers and inclusive ranges A..B ("1,2,8..12"), each in [min_value, max_value]; returned
// ascending without repeats. Empty lists, empty items, reversed ranges and out-of-range values are UsageErrors
// naming `flag`.
std::vector<int64_t> parse_int_list(const std::string& text, const std::string& flag, int64_t min_value,
                                    int64_t max_value);

// Comma-separated names in the order given (repeats dropped); empty lists or items are UsageErrors naming `flag`.
std::vector<std::string> parse_name_list(const std::string& text, const std::string& flag);

}  // namespace llmsim::tools
