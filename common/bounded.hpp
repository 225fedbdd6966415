#pragma once
// The input layer for numbers: every integer or real read from a flag, config file or data file goes through these
// range-checked parses, so no value is truncated, wrapped, saturated or non-finite by the time it reaches the model.
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include "common/error.hpp"

namespace llmsim {

struct IntRange {
    int64_t min = std::numeric_limits<int64_t>::min();
    int64_t max = std::numeric_limits<int64_t>::max();
};

// A closed range [min, max], or (min, max] when min_exclusive; always finite.
struct RealRange {
    double min = -std::numeric_limits<double>::max();
    double max = std::numeric_limits<double>::max();
    bool min_exclusive = false;
};

inline constexpr IntRange kNonNegative{0, std::numeric_limits<int64_t>::max()};
inline constexpr RealRange kFraction{0.0, 1.0, true};  // (0, 1]

// "from 1 to 65536", "(0, 1]": the expectation part of messages.
std::string describe(const IntRange& r);
std::string describe(const RealRange& r);

// Whole-token parses; on failure throw UsageError (kind usage) or InputError (kind input) at `where` with the value
// (clipped) and the range, e.g. "--tp: expected an integer from 1 to 65536, got '4294967298'".
int64_t parse_int_in(std::string_view text, const std::string& where, IntRange range,
                     ErrorKind kind = ErrorKind::usage);
double parse_real_in(std::string_view text, const std::string& where, RealRange range,
                     ErrorKind kind = ErrorKind::usage);

// Range checks of values already parsed (JSON numbers, derived values), same messages.
int64_t check_int_in(int64_t value, const std::string& where, IntRange range, ErrorKind kind = ErrorKind::usage);
double check_real_in(double value, const std::string& where, RealRange range, ErrorKind kind = ErrorKind::usage);

// A value echoed in a message, clipped to about 80 characters with its length noted, control characters shown as
// '?', so one message stays one short line whatever the input.
std::string clip_for_message(std::string_view text, size_t max_chars = 80);

[[noreturn]] void throw_error(ErrorKind kind, const std::string& where, const std::string& what);

}  // namespace llmsim
