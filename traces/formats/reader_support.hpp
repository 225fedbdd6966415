#pragma once
// Shared plumbing for the trace readers: safe file loading, header checks with helpful messages, JSONL line
// iteration, and the WorkloadAssembler that applies the rules every reader shares (prompt >= 1, output 0 -> 1,
// stable sort by arrival, arrivals relative to the earliest request, empty traces are errors).
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "common/csv.hpp"
#include "common/json_io.hpp"
#include "traces/workload.hpp"

namespace llmsim::traces::detail {

// A printable, single-line, bounded excerpt of untrusted text for error messages (binary bytes become '?').
std::string excerpt(std::string_view text, size_t max_chars = 60);

// Reads a whole trace file. Missing file, unreadable file and binary content (NUL bytes) are InputErrors.
std::string read_trace_text(const std::string& path);
// The first `max_bytes` of a trace file, with the same checks (for format detection without reading it all).
std::string read_trace_head(const std::string& path, size_t max_bytes = 65536);

// The first non-blank line of `text` (UTF-8 BOM and trailing CR removed), at most `max_bytes` long.
std::string_view first_line(std::string_view text, size_t max_bytes = 65536);

// Column names of a CSV header line, trimmed and unquoted; used by format detection.
std::vector<std::string> csv_header_names(std::string_view line);
bool has_columns(const std::vector<std::string>& header, std::initializer_list<std::string_view> names);

// Index of each named column; a missing one is an InputError naming the file, the format's expected columns and,
// when the header looks like it uses another delimiter, that too.
std::vector<size_t> require_columns(const CsvReader& csv, std::string_view format,
                                    std::initializer_list<std::string_view> names);

// Seconds (as read from a file) to integer nanoseconds; out-of-range values are InputErrors at `where`.
int64_t seconds_to_ns(double seconds, const std::string& where, std::string_view text);

// Calls `row(line_number, object)` for every non-blank line of a JSON-lines file. Lines that are not a JSON
// object are InputErrors at "file:line".
void for_each_jsonl_object(const std::string& path, const std::string& text,
                           const std::function<void(size_t line, const Json& object)>& row);

// Typed access to one JSONL object with "file:line key 'k'" positions.
class JsonlRow {
  public:
    JsonlRow(const Json& object, const std::string& path, size_t line);
    [[nodiscard]] bool has(std::string_view key) const;
    [[nodiscard]] const Json& require(std::string_view key) const;
    [[nodiscard]] int64_t nonneg_int(std::string_view key) const;
    [[nodiscard]] double nonneg_number(std::string_view key) const;
    [[nodiscard]] std::string where() const;
    [[nodiscard]] std::string where(std::string_view key) const;

  private:
    const Json& object_;
    const std::string& path_;
    size_t line_;
};

// Collects requests row by row and turns them into a Workload.
class WorkloadAssembler {
  public:
    WorkloadAssembler(std::string format, std::string path, bool has_timestamps);

    // `prompt_where`/`output_where` are "file:line column 'x'" (or key) positions for messages. arrival_ns is
    // ignored for lengths-only formats. A zero prompt is an InputError; a zero output is clamped to 1 and counted.
    void add(int64_t arrival_ns, int64_t prompt_tokens, const std::string& prompt_where, int64_t output_tokens,
             const std::string& output_where);
    // Prompt content runs of the request added last (ids nonzero, tokens positive, summing to at most its prompt).
    void set_last_segments(const std::vector<PromptSegment>& segments);
    void note(std::string text) { workload_.notes.push_back(std::move(text)); }
    [[nodiscard]] size_t size() const { return workload_.requests.size(); }

    // Throws InputError when no request was added; otherwise sorts (stably) by arrival, makes arrivals relative
    // to the earliest one and records notes about what was changed.
    Workload finish();

  private:
    std::string format_;
    std::string path_;
    Workload workload_;
    int64_t clamped_outputs_ = 0;
};

}  // namespace llmsim::traces::detail
