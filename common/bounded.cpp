#include "common/bounded.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "common/strings.hpp"

namespace llmsim {
namespace {

std::string_view strip_plus(std::string_view s) {
    s = trim(s);
    if (!s.empty() && s.front() == '+') s.remove_prefix(1);
    return s;
}

bool in_range(double v, const RealRange& r) {
    return std::isfinite(v) && (r.min_exclusive ? v > r.min : v >= r.min) && v <= r.max;
}

}  // namespace

void throw_error(ErrorKind kind, const std::string& where, const std::string& what) {
    switch (kind) {
        case ErrorKind::usage:
            throw UsageError(where, what);
        case ErrorKind::input:
            throw InputError(where, what);
        case ErrorKind::internal:
            throw InternalError(where, what);
    }
    throw InternalError(where, what);
}

std::string describe(const IntRange& r) {
    if (r.max == std::numeric_limits<int64_t>::max()) return ">= " + std::to_string(r.min);
    return "from " + std::to_string(r.min) + " to " + std::to_string(r.max);
}

std::string describe(const RealRange& r) {
    const bool open_top = r.max == std::numeric_limits<double>::max();
    if (open_top) return std::string(r.min_exclusive ? "> " : ">= ") + format_double(r.min);
    return std::string(r.min_exclusive ? "in (" : "in [") + format_double(r.min) + ", " + format_double(r.max) + "]";
}

std::string clip_for_message(std::string_view text, size_t max_chars) {
    std::string out;
    const size_t n = std::min(text.size(), max_chars);
    out.reserve(n + 32);
    for (size_t i = 0; i < n; ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        out += (c < 0x20 || c == 0x7f) ? '?' : static_cast<char>(c);
    }
    if (text.size() > max_chars) out += "... (" + std::to_string(text.size()) + " characters)";
    return out;
}

int64_t check_int_in(int64_t value, const std::string& where, IntRange range, ErrorKind kind) {
    if (value < range.min || value > range.max) {
        throw_error(kind, where, "expected an integer " + describe(range) + ", got " + std::to_string(value));
    }
    return value;
}

double check_real_in(double value, const std::string& where, RealRange range, ErrorKind kind) {
    if (!in_range(value, range)) {
        throw_error(kind, where, "expected a number " + describe(range) + ", got " + format_double(value, 10));
    }
    return value;
}

int64_t parse_int_in(std::string_view text, const std::string& where, IntRange range, ErrorKind kind) {
    const std::string_view s = strip_plus(text);
    int64_t v = 0;
    const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (s.empty() || ec != std::errc() || ptr != s.data() + s.size() || v < range.min || v > range.max) {
        throw_error(kind, where, "expected an integer " + describe(range) + ", got '" + clip_for_message(text) + "'");
    }
    return v;
}

double parse_real_in(std::string_view text, const std::string& where, RealRange range, ErrorKind kind) {
    const std::string_view s = strip_plus(text);
    double v = 0;
    const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (s.empty() || ec != std::errc() || ptr != s.data() + s.size() || !in_range(v, range)) {
        throw_error(kind, where, "expected a number " + describe(range) + ", got '" + clip_for_message(text) + "'");
    }
    return v;
}

}  // namespace llmsim
