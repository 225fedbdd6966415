#include <algorithm>

#include "common/embedded_data.hpp"

namespace llmsim {

std::vector<EmbeddedFile> embedded_files_under(std::string_view prefix) {
    std::vector<EmbeddedFile> out;
    for (const auto& f : embedded_files()) {
        if (f.path.substr(0, prefix.size()) == prefix) out.push_back(f);
    }
    std::sort(out.begin(), out.end(), [](const EmbeddedFile& a, const EmbeddedFile& b) { return a.path < b.path; });
    return out;
}

}  // namespace llmsim
