#pragma once
// Files compiled into the binary (hardware presets, built-in workload statistics). See cmake/embed_files.cmake.
#include <string>
#include <string_view>
#include <vector>

namespace llmsim {

struct EmbeddedFile {
    std::string_view path;  // relative to the source root, e.g. "hardware/presets/h100-sxm.json"
    std::string_view text;
};

const std::vector<EmbeddedFile>& embedded_files();

// Files whose path starts with `prefix` (e.g. "hardware/presets/"), in path order.
std::vector<EmbeddedFile> embedded_files_under(std::string_view prefix);

}  // namespace llmsim
