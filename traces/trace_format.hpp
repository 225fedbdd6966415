#pragma once
// The trace-format registry: one row per supported public format. `read_trace(path, "auto")` picks the format
// from the file's first line (CSV header or first JSON object).
#include <string>
#include <string_view>
#include <vector>

#include "traces/workload.hpp"

namespace llmsim::traces {

struct TraceFormat {
    std::string_view name;
    std::string_view description;
    bool timestamped;                             // does the format carry arrival times?
    bool (*detect)(std::string_view first_line);  // true when the header / first line looks like this format
    Workload (*read)(const std::string& path);    // throws InputError with file:line on bad content
};

// All formats, in detection order (more specific headers first).
const std::vector<TraceFormat>& trace_formats();

struct NamedDescription {
    std::string name;
    std::string description;
};
// For `llmsim list traces`.
std::vector<NamedDescription> list_trace_formats();
// Valid --trace-format values ("auto" plus every format name).
std::vector<std::string> trace_format_names();

// Throws UsageError("--trace-format", ...) for an unknown name (listing valid ones and the nearest match).
// "auto" is accepted and returned as is.
void validate_trace_format_name(std::string_view name);

// Name of the format whose detector accepts the file's first line; InputError listing the formats otherwise.
std::string detect_trace_format(const std::string& path);

// Reads a trace in the named format ("auto" detects it). Errors: UsageError for an unknown format name,
// InputError for unreadable or malformed files.
Workload read_trace(const std::string& path, std::string_view format_name = "auto");

}  // namespace llmsim::traces
