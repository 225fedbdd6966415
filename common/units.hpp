#pragma once
// The one units module: every unit-suffixed string in hardware JSON, configs and flags is parsed here.
// Decimal prefixes are powers of 1000 (GB, TB/s, TFLOPS); binary ones of 1024 (GiB, MiB/s). "b" is bits, "B" bytes.
#include <cstdint>
#include <string>
#include <string_view>

namespace llmsim::units {

enum class Dimension { bytes, bytes_per_s, flops_per_s, duration, power };

// Each throws InputError(where, ...) naming the bad value and the expected form.
double parse_bytes(std::string_view text, const std::string& where);         // "80GiB" -> 85899345920
double parse_bytes_per_s(std::string_view text, const std::string& where);   // "3.35TB/s", "400Gb/s"
double parse_flops_per_s(std::string_view text, const std::string& where);   // "989TFLOPS", "624TOPS"
int64_t parse_duration_ns(std::string_view text, const std::string& where);  // "2us", "1.5ms", "300ns"
double parse_duration_s(std::string_view text, const std::string& where);    // same forms, in seconds (fractional)
double parse_watts(std::string_view text, const std::string& where);         // "700W", "1.2kW"

double parse(Dimension dim, std::string_view text, const std::string& where);

// Human-readable renderings used by reports ("80.0 GiB", "3.35 TB/s", "989 TFLOP/s", "2.00 us").
std::string format_bytes(double bytes);
std::string format_bytes_per_s(double bytes_per_s);
std::string format_flops_per_s(double flops_per_s);
std::string format_duration_ns(double ns);

}  // namespace llmsim::units
