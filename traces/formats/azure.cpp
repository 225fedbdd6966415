// Azure LLM inference traces (AzurePublicDataset, 2023 and 2024 releases): TIMESTAMP, ContextTokens,
// GeneratedTokens. TIMESTAMP is a wall-clock string with no time zone ("2023-11-16 18:15:46.6805900"); we parse
// it to nanoseconds ourselves (no locale or time-zone database involved) and replay relative to the earliest row.
#include <array>
#include <limits>

#include "common/csv.hpp"
#include "common/error.hpp"
#include "traces/formats/formats.hpp"
#include "traces/formats/reader_support.hpp"

namespace llmsim::traces::formats {
namespace {

bool is_leap(int64_t y) {
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int64_t leap_years_before(int64_t y) {
    return (y - 1) / 4 - (y - 1) / 100 + (y - 1) / 400;
}

// Days since 1970-01-01 for a valid Gregorian date (year >= 1970).
int64_t days_since_epoch(int64_t y, int64_t m, int64_t d) {
    static constexpr std::array<int64_t, 12> days_before_month = {0,   31,  59,  90,  120, 151,
                                                                  181, 212, 243, 273, 304, 334};
    int64_t days = 365 * (y - 1970) + leap_years_before(y) - leap_years_before(1970);
    days += days_before_month[static_cast<size_t>(m - 1)] + (m > 2 && is_leap(y) ? 1 : 0);
    return days + d - 1;
}

// Parses exactly `n` digits at s[pos]; advances pos.
bool digits(std::string_view s, size_t& pos, size_t n, int64_t& value) {
    if (pos + n > s.size()) return false;
    value = 0;
    for (size_t i = 0; i < n; ++i) {
        const char c = s[pos + i];
        if (c < '0' || c > '9') return false;
        value = value * 10 + (c - '0');
    }
    pos += n;
    return true;
}

bool expect(std::string_view s, size_t& pos, char c) {
    if (pos >= s.size() || s[pos] != c) return false;
    ++pos;
    return true;
}

}  // namespace

std::optional<int64_t> parse_azure_timestamp_ns(std::string_view s) {
    size_t pos = 0;
    int64_t year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
    if (!digits(s, pos, 4, year) || !expect(s, pos, '-') || !digits(s, pos, 2, month) || !expect(s, pos, '-') ||
        !digits(s, pos, 2, day)) {
        return std::nullopt;
    }
    if (pos >= s.size() || (s[pos] != ' ' && s[pos] != 'T')) return std::nullopt;
    ++pos;
    if (!digits(s, pos, 2, hour) || !expect(s, pos, ':') || !digits(s, pos, 2, minute) || !expect(s, pos, ':') ||
        !digits(s, pos, 2, second)) {
        return std::nullopt;
    }
    static constexpr std::array<int64_t, 12> month_days = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (year < 1970 || month < 1 || month > 12 || day < 1 || day > month_days[static_cast<size_t>(month - 1)] ||
        (month == 2 && day == 29 && !is_leap(year)) || hour > 23 || minute > 59 || second > 60) {
        return std::nullopt;
    }
    int64_t fraction_ns = 0;
    if (pos < s.size() && s[pos] == '.') {
        ++pos;
        int64_t scale = 100'000'000;
        size_t n = 0;
        while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
            if (n >= 9) return std::nullopt;  // finer than 1 ns is not a timestamp we know
            fraction_ns += (s[pos] - '0') * scale;
            scale /= 10;
            ++pos;
            ++n;
        }
        if (n == 0) return std::nullopt;
    }
    int64_t offset_s = 0;
    if (pos < s.size() && s[pos] == 'Z') {
        ++pos;
    } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
        const int64_t sign = s[pos] == '-' ? -1 : 1;
        ++pos;
        int64_t oh = 0, om = 0;
        if (!digits(s, pos, 2, oh)) return std::nullopt;
        if (pos < s.size() && s[pos] == ':') ++pos;
        if (!digits(s, pos, 2, om) || oh > 23 || om > 59) return std::nullopt;
        offset_s = sign * (oh * 3600 + om * 60);
    }
    if (pos != s.size()) return std::nullopt;
    const int64_t total_s = ((days_since_epoch(year, month, day) * 24 + hour) * 60 + minute) * 60 + second - offset_s;
    // int64 nanoseconds end in April 2262: later years would overflow.
    if (total_s > (std::numeric_limits<int64_t>::max() - fraction_ns) / 1'000'000'000) return std::nullopt;
    return total_s * 1'000'000'000 + fraction_ns;
}

bool detect_azure(std::string_view first_line) {
    return detail::has_columns(detail::csv_header_names(first_line), {"TIMESTAMP", "ContextTokens", "GeneratedTokens"});
}

Workload read_azure(const std::string& path) {
    CsvReader csv(path, detail::read_trace_text(path));
    const auto cols = detail::require_columns(csv, "azure", {"TIMESTAMP", "ContextTokens", "GeneratedTokens"});
    detail::WorkloadAssembler out("azure", path, /*has_timestamps=*/true);
    while (csv.next()) {
        const auto text = csv.field(cols[0]);
        const auto ts = parse_azure_timestamp_ns(text);
        if (!ts) {
            throw InputError(csv.where("TIMESTAMP"),
                             "bad value '" + detail::excerpt(text) +
                                 "' (expected a timestamp YYYY-MM-DD HH:MM:SS[.fffffff] from 1970 to 2262)");
        }
        out.add(*ts, csv.get_nonneg_int(cols[1]), csv.where("ContextTokens"), csv.get_nonneg_int(cols[2]),
                csv.where("GeneratedTokens"));
    }
    return out.finish();
}

}  // namespace llmsim::traces::formats
