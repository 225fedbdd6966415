#include "common/units.hpp"

#include <array>
#include <cmath>
#include <cstdio>
#include <utility>

#include "common/bounded.hpp"
#include "common/error.hpp"
#include "common/strings.hpp"

namespace llmsim::units {
namespace {

struct UnitEntry {
    std::string_view suffix;
    double factor;
};

// Longest suffixes first so "GiB" is not read as "B" with a strange number.
constexpr std::array kByteUnits = {
    UnitEntry{"PiB", 1125899906842624.0},
    UnitEntry{"TiB", 1099511627776.0},
    UnitEntry{"GiB", 1073741824.0},
    UnitEntry{"MiB", 1048576.0},
    UnitEntry{"KiB", 1024.0},
    UnitEntry{"PB", 1e15},
    UnitEntry{"TB", 1e12},
    UnitEntry{"GB", 1e9},
    UnitEntry{"MB", 1e6},
    UnitEntry{"kB", 1e3},
    UnitEntry{"KB", 1e3},
    UnitEntry{"B", 1.0},
};

constexpr std::array kBandwidthUnits = {
    UnitEntry{"TiB/s", 1099511627776.0},
    UnitEntry{"GiB/s", 1073741824.0},
    UnitEntry{"MiB/s", 1048576.0},
    UnitEntry{"TB/s", 1e12},
    UnitEntry{"GB/s", 1e9},
    UnitEntry{"MB/s", 1e6},
    UnitEntry{"KB/s", 1e3},
    UnitEntry{"B/s", 1.0},
    UnitEntry{"Tb/s", 1e12 / 8},
    UnitEntry{"Gb/s", 1e9 / 8},
    UnitEntry{"Mb/s", 1e6 / 8},
    UnitEntry{"Gbps", 1e9 / 8},
    UnitEntry{"Mbps", 1e6 / 8},
};

constexpr std::array kFlopsUnits = {
    UnitEntry{"PFLOPS", 1e15},  UnitEntry{"TFLOPS", 1e12},  UnitEntry{"GFLOPS", 1e9},  UnitEntry{"MFLOPS", 1e6},
    UnitEntry{"PFLOP/s", 1e15}, UnitEntry{"TFLOP/s", 1e12}, UnitEntry{"GFLOP/s", 1e9}, UnitEntry{"FLOPS", 1.0},
    UnitEntry{"POPS", 1e15},    UnitEntry{"TOPS", 1e12},    UnitEntry{"GOPS", 1e9},    UnitEntry{"OPS", 1.0},
};

constexpr std::array kDurationUnits = {
    UnitEntry{"ns", 1.0}, UnitEntry{"us", 1e3},   UnitEntry{"\xC2\xB5s", 1e3}, UnitEntry{"ms", 1e6},
    UnitEntry{"s", 1e9},  UnitEntry{"min", 60e9}, UnitEntry{"h", 3600e9},
};

constexpr std::array kPowerUnits = {UnitEntry{"kW", 1e3}, UnitEntry{"mW", 1e-3}, UnitEntry{"W", 1.0}};

template <size_t N>
std::string expected_forms(const std::array<UnitEntry, N>& table) {
    std::string out;
    for (size_t i = 0; i < N; ++i) {
        if (i > 0) out += ", ";
        out += table[i].suffix;
    }
    return out;
}

template <size_t N>
double parse_with(const std::array<UnitEntry, N>& table, std::string_view text, const std::string& where,
                  std::string_view example) {
    const std::string_view t = trim(text);
    // Find where the numeric part ends: the unit is the trailing run of non-numeric characters.
    size_t split_at = t.size();
    while (split_at > 0) {
        const char c = t[split_at - 1];
        const bool numeric = (c >= '0' && c <= '9') || c == '.';
        if (numeric) break;
        --split_at;
    }
    const std::string_view number_part = trim(t.substr(0, split_at));
    const std::string_view unit_part = trim(t.substr(split_at));
    const auto value = parse_double(number_part);
    if (!value || unit_part.empty()) {
        throw InputError(where, "bad quantity '" + clip_for_message(text) +
                                    "' (expected a number with a unit such as '" + std::string(example) +
                                    "'; units: " + expected_forms(table) + ")");
    }
    for (const auto& u : table) {
        if (unit_part == u.suffix) {
            if (*value < 0) {
                throw InputError(where, "negative quantity '" + clip_for_message(text) + "' (expected >= 0)");
            }
            const double scaled = *value * u.factor;
            if (!std::isfinite(scaled)) {
                throw InputError(where, "quantity '" + clip_for_message(text) + "' is out of range");
            }
            return scaled;
        }
    }
    throw InputError(where, "unknown unit '" + clip_for_message(unit_part) + "' in '" + clip_for_message(text) +
                                "' (expected one of: " + expected_forms(table) + ")");
}

std::string format_scaled(double v, const std::array<std::pair<double, const char*>, 5>& scale) {
    char buf[64];
    for (const auto& [factor, name] : scale) {
        if (std::fabs(v) >= factor) {
            std::snprintf(buf, sizeof(buf), "%.3g %s", v / factor, name);
            return buf;
        }
    }
    std::snprintf(buf, sizeof(buf), "%.3g %s", v / scale.back().first, scale.back().second);
    return buf;
}

}  // namespace

double parse_bytes(std::string_view text, const std::string& where) {
    return parse_with(kByteUnits, text, where, "80GiB");
}
double parse_bytes_per_s(std::string_view text, const std::string& where) {
    return parse_with(kBandwidthUnits, text, where, "3.35TB/s");
}
double parse_flops_per_s(std::string_view text, const std::string& where) {
    return parse_with(kFlopsUnits, text, where, "989TFLOPS");
}
double parse_duration_s(std::string_view text, const std::string& where) {
    return parse_with(kDurationUnits, text, where, "2us") * 1e-9;
}
int64_t parse_duration_ns(std::string_view text, const std::string& where) {
    const double ns = parse_with(kDurationUnits, text, where, "2us");
    // Simulated time is int64 ns (292 years); a duration beyond a year is no latency or overhead of a real system.
    constexpr double kMaxDurationNs = 365.0 * 86400e9;
    if (!(std::fabs(ns) <= kMaxDurationNs)) {
        throw InputError(where, "duration '" + clip_for_message(text) + "' is out of range (expected at most a year)");
    }
    return static_cast<int64_t>(std::llround(ns));
}
double parse_watts(std::string_view text, const std::string& where) {
    return parse_with(kPowerUnits, text, where, "700W");
}

double parse(Dimension dim, std::string_view text, const std::string& where) {
    switch (dim) {
        case Dimension::bytes:
            return parse_bytes(text, where);
        case Dimension::bytes_per_s:
            return parse_bytes_per_s(text, where);
        case Dimension::flops_per_s:
            return parse_flops_per_s(text, where);
        case Dimension::duration:
            return static_cast<double>(parse_duration_ns(text, where));
        case Dimension::power:
            return parse_watts(text, where);
    }
    return 0.0;
}

std::string format_bytes(double bytes) {
    return format_scaled(
        bytes, {{{1099511627776.0, "TiB"}, {1073741824.0, "GiB"}, {1048576.0, "MiB"}, {1024.0, "KiB"}, {1.0, "B"}}});
}
std::string format_bytes_per_s(double bytes_per_s) {
    return format_scaled(bytes_per_s, {{{1e12, "TB/s"}, {1e9, "GB/s"}, {1e6, "MB/s"}, {1e3, "KB/s"}, {1.0, "B/s"}}});
}
std::string format_flops_per_s(double flops_per_s) {
    return format_scaled(flops_per_s,
                         {{{1e15, "PFLOP/s"}, {1e12, "TFLOP/s"}, {1e9, "GFLOP/s"}, {1e6, "MFLOP/s"}, {1.0, "FLOP/s"}}});
}
std::string format_duration_ns(double ns) {
    return format_scaled(ns, {{{1e9, "s"}, {1e6, "ms"}, {1e3, "us"}, {1.0, "ns"}, {1e-3, "ps"}}});
}

}  // namespace llmsim::units
