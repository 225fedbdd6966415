#pragma once
// "Unknown name" messages: list the valid names and suggest the nearest one.
#include <string>
#include <string_view>
#include <vector>

namespace llmsim {

size_t edit_distance(std::string_view a, std::string_view b);

// Nearest candidate by edit distance (ties: first); empty when nothing is reasonably close.
std::string nearest_name(std::string_view name, const std::vector<std::string>& candidates);

// "unknown <what> 'x' (valid: a, b, c; did you mean 'b'?)"
std::string unknown_name_message(std::string_view what, std::string_view name,
                                 const std::vector<std::string>& candidates);

}  // namespace llmsim
