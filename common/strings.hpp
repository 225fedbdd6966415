#pragma once
// Small string helpers with strict number parsing (the whole token must be a number).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace llmsim {

std::string_view trim(std::string_view s);
std::string to_lower(std::string_view s);
std::vector<std::string_view> split(std::string_view s, char sep);
bool starts_with(std::string_view s, std::string_view prefix);
std::string join(const std::vector<std::string>& parts, std::string_view sep);

// Strict parses: nullopt unless the trimmed token is entirely a finite number.
std::optional<double> parse_double(std::string_view s);
std::optional<int64_t> parse_int(std::string_view s);

// File tests that never throw (std::filesystem's throwing overloads turn a 100 kB "path" into an internal error).
bool path_exists(const std::string& path);
bool is_regular_file_path(const std::string& path);

// Shortest round-trippable decimal for reports and JSON-like text.
std::string format_double(double v, int significant = 6);

}  // namespace llmsim
