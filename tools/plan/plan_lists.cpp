#include "tools/plan/plan_lists.hpp"

#include <algorithm>

#include "common/error.hpp"
#include "common/strings.hpp"

namespace llmsim::tools {
namespace {

std::vector<std::string> items_of(const std::string& text, const std::string& flag, const char* expected) {
    if (trim(text).empty()) throw UsageError(flag, std::string("empty list (expected ") + expected + ")");
    std::vector<std::string> items;
    size_t start = 0;
    while (true) {
        const size_t comma = text.find(',', start);
        const std::string item(
            trim(text.substr(start, comma == std::string::npos ? std::string::npos : comma - start)));
        if (item.empty()) throw UsageError(flag, "empty item in '" + text + "' (expected " + expected + ")");
        items.push_back(item);
        if (comma == std::string::npos) break;
        start = comma + 1;
    }
    return items;
}

int64_t bounded(const std::string& text, const std::string& flag, int64_t min_value, int64_t max_value) {
    const auto v = parse_int(text);
    if (!v) throw UsageError(flag, "bad integer '" + text + "' (expected a whole number or a range A..B)");
    if (*v < min_value || *v > max_value) {
        throw UsageError(flag, std::to_string(*v) + " is out of range (expected " + std::to_string(min_value) + ".." +
                                   std::to_string(max_value) + ")");
    }
    return *v;
}

}  // namespace

std::vector<int64_t> parse_int_list(const std::string& text, const std::string& flag, int64_t min_value,
                                    int64_t max_value) {
    std::vector<int64_t> out;
    for (const auto& item : items_of(text, flag, "whole numbers and ranges A..B, e.g. 1,2,4 or 1..16")) {
        const size_t dots = item.find("..");
        if (dots == std::string::npos) {
            out.push_back(bounded(item, flag, min_value, max_value));
            continue;
        }
        const int64_t from = bounded(std::string(trim(item.substr(0, dots))), flag, min_value, max_value);
        const int64_t to = bounded(std::string(trim(item.substr(dots + 2))), flag, min_value, max_value);
        if (from > to) throw UsageError(flag, "range '" + item + "' runs backwards (expected A..B with A <= B)");
        for (int64_t v = from; v <= to; ++v)
            out.push_back(v);
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

std::vector<std::string> parse_name_list(const std::string& text, const std::string& flag) {
    std::vector<std::string> out;
    for (auto& item : items_of(text, flag, "comma-separated names")) {
        if (std::find(out.begin(), out.end(), item) == out.end()) out.push_back(std::move(item));
    }
    return out;
}

}  // namespace llmsim::tools
