#include "traces/formats/reader_support.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

#include "common/error.hpp"
#include "common/strings.hpp"

namespace llmsim::traces::detail {
namespace {

constexpr int64_t max_tokens = std::numeric_limits<int32_t>::max();

std::string_view strip_bom(std::string_view text) {
    if (text.size() >= 3 && static_cast<unsigned char>(text[0]) == 0xEF &&
        static_cast<unsigned char>(text[1]) == 0xBB && static_cast<unsigned char>(text[2]) == 0xBF) {
        text.remove_prefix(3);
    }
    return text;
}

std::string json_excerpt(const Json& value) {
    return excerpt(value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), 40);
}

}  // namespace

std::string excerpt(std::string_view text, size_t max_chars) {
    std::string out;
    out.reserve(std::min(text.size(), max_chars) + 3);
    for (size_t i = 0; i < text.size() && out.size() < max_chars; ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        out += (c >= 0x20 && c < 0x7F) ? static_cast<char>(c) : '?';
    }
    if (text.size() > max_chars) out += "...";
    return out;
}

namespace {

std::string read_prefix(const std::string& path, size_t max_bytes) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) throw InputError(path, "is a directory (expected a trace file)");
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InputError(path, "cannot open file for reading (expected a trace file)");
    std::string text;
    if (max_bytes == std::string::npos) {
        std::ostringstream ss;
        ss << in.rdbuf();
        text = std::move(ss).str();
    } else {
        text.resize(max_bytes);
        in.read(text.data(), static_cast<std::streamsize>(max_bytes));
        text.resize(static_cast<size_t>(in.gcount()));
    }
    if (const void* nul = std::memchr(text.data(), '\0', text.size()); nul != nullptr) {
        const auto offset = static_cast<const char*>(nul) - text.data();
        throw InputError(path, "binary file (NUL byte at offset " + std::to_string(offset) +
                                   "); expected a text trace (CSV or JSON lines)");
    }
    return text;
}

}  // namespace

std::string read_trace_text(const std::string& path) {
    return read_prefix(path, std::string::npos);
}

std::string read_trace_head(const std::string& path, size_t max_bytes) {
    return read_prefix(path, max_bytes);
}

std::string_view first_line(std::string_view text, size_t max_bytes) {
    text = strip_bom(text);
    while (!text.empty()) {
        const size_t end = text.find('\n');
        std::string_view line = text.substr(0, end);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (!trim(line).empty()) return line.substr(0, max_bytes);
        if (end == std::string_view::npos) break;
        text.remove_prefix(end + 1);
    }
    return {};
}

std::vector<std::string> csv_header_names(std::string_view line) {
    std::vector<std::string> names;
    for (auto field : split(line, ',')) {
        field = trim(field);
        if (field.size() >= 2 && field.front() == '"' && field.back() == '"') field = field.substr(1, field.size() - 2);
        names.emplace_back(trim(field));
    }
    return names;
}

bool has_columns(const std::vector<std::string>& header, std::initializer_list<std::string_view> names) {
    return std::all_of(names.begin(), names.end(),
                       [&](std::string_view n) { return std::find(header.begin(), header.end(), n) != header.end(); });
}

std::vector<size_t> require_columns(const CsvReader& csv, std::string_view format,
                                    std::initializer_list<std::string_view> names) {
    std::vector<size_t> indices;
    for (auto name : names) {
        if (auto c = csv.column(name)) {
            indices.push_back(*c);
            continue;
        }
        std::vector<std::string> expected(names.begin(), names.end());
        const std::string header_text = join(csv.header(), ",");
        std::string msg = "missing column '" + std::string(name) + "' for trace format '" + std::string(format) +
                          "' (expected a comma-separated header with " + join(expected, ", ") + "; found '" +
                          excerpt(header_text) + "')";
        for (char sep : {';', '\t', '|'}) {
            if (csv.header().size() == 1 && header_text.find(sep) != std::string::npos) {
                msg += "; the header looks " + std::string(sep == '\t' ? "tab" : std::string(1, sep)) +
                       "-separated, but trace CSVs must use commas";
                break;
            }
        }
        throw InputError(csv.name() + ":1", msg);
    }
    return indices;
}

int64_t seconds_to_ns(double seconds, const std::string& where, std::string_view text) {
    // 9.2e9 s (~290 years) is the int64 nanosecond limit; anything near it is a unit mistake anyway.
    if (!(seconds >= 0.0) || seconds > 9.2e9) {
        throw InputError(where, "bad value '" + excerpt(text) + "' (expected seconds between 0 and 9.2e9)");
    }
    return std::llround(seconds * 1e9);
}

void for_each_jsonl_object(const std::string& path, const std::string& text,
                           const std::function<void(size_t line, const Json& object)>& row) {
    std::string_view rest = strip_bom(text);
    size_t line_no = 0;
    while (!rest.empty()) {
        ++line_no;
        const size_t end = rest.find('\n');
        std::string_view line = rest.substr(0, end);
        rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 1);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (trim(line).empty()) continue;
        Json object;
        try {
            object = Json::parse(line.begin(), line.end());
        } catch (const nlohmann::json::parse_error& e) {
            throw InputError(path + ":" + std::to_string(line_no), "invalid JSON at byte " + std::to_string(e.byte) +
                                                                       " in '" + excerpt(line) +
                                                                       "' (expected one JSON object per line)");
        } catch (const nlohmann::json::out_of_range&) {  // a number beyond double's range ("1e400")
            throw InputError(path + ":" + std::to_string(line_no),
                             "number out of range in '" + excerpt(line) + "' (expected magnitudes below 1.8e308)");
        }
        if (!object.is_object()) {
            throw InputError(
                path + ":" + std::to_string(line_no),
                "expected a JSON object per line, got " + std::string(object.type_name()) + " '" + excerpt(line) + "'");
        }
        row(line_no, object);
    }
}

JsonlRow::JsonlRow(const Json& object, const std::string& path, size_t line)
    : object_(object), path_(path), line_(line) {}

std::string JsonlRow::where() const {
    return path_ + ":" + std::to_string(line_);
}

std::string JsonlRow::where(std::string_view key) const {
    return where() + " key '" + std::string(key) + "'";
}

bool JsonlRow::has(std::string_view key) const {
    auto it = object_.find(key);
    return it != object_.end() && !it->is_null();
}

const Json& JsonlRow::require(std::string_view key) const {
    auto it = object_.find(key);
    if (it != object_.end() && it->is_null()) {
        throw InputError(where(), "key '" + std::string(key) + "' is null (expected a value)");
    }
    if (it == object_.end()) {
        std::vector<std::string> keys;
        for (const auto& [k, v] : object_.items())
            keys.push_back(k);
        throw InputError(where(),
                         "missing key '" + std::string(key) + "' (found keys: " + excerpt(join(keys, ", ")) + ")");
    }
    return *it;
}

int64_t JsonlRow::nonneg_int(std::string_view key) const {
    const Json& v = require(key);
    if (v.is_number_unsigned()) {
        if (v.get<uint64_t>() <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
            return static_cast<int64_t>(v.get<uint64_t>());
        }
    } else if (v.is_number_integer()) {
        if (v.get<int64_t>() >= 0) return v.get<int64_t>();
    } else if (v.is_number_float()) {
        const double d = v.get<double>();
        if (d >= 0 && d < 9.2e18 && d == std::floor(d)) return static_cast<int64_t>(d);
    }
    throw InputError(where(key), "bad value '" + json_excerpt(v) + "' (expected a non-negative integer)");
}

double JsonlRow::nonneg_number(std::string_view key) const {
    const Json& v = require(key);
    if (v.is_number()) {
        const double d = v.get<double>();
        if (d >= 0 && std::isfinite(d)) return d;
    }
    throw InputError(where(key), "bad value '" + json_excerpt(v) + "' (expected a non-negative number)");
}

WorkloadAssembler::WorkloadAssembler(std::string format, std::string path, bool has_timestamps)
    : format_(std::move(format)), path_(std::move(path)) {
    workload_.has_timestamps = has_timestamps;
    workload_.source = format_ + ":" + path_;
}

void WorkloadAssembler::add(int64_t arrival_ns, int64_t prompt_tokens, const std::string& prompt_where,
                            int64_t output_tokens, const std::string& output_where) {
    if (prompt_tokens <= 0) {
        throw InputError(prompt_where,
                         "bad value '" + std::to_string(prompt_tokens) + "' (expected a prompt of at least 1 token)");
    }
    if (prompt_tokens > max_tokens) {
        throw InputError(prompt_where, "bad value '" + std::to_string(prompt_tokens) + "' (expected at most " +
                                           std::to_string(max_tokens) + " tokens)");
    }
    if (output_tokens < 0 || output_tokens > max_tokens) {
        throw InputError(output_where, "bad value '" + std::to_string(output_tokens) + "' (expected 0.." +
                                           std::to_string(max_tokens) + " tokens)");
    }
    if (output_tokens == 0) {
        // The simulator models at least one decode step per request (the first token comes out of prefill).
        output_tokens = 1;
        ++clamped_outputs_;
    }
    RequestSpec r;
    r.arrival_ns = workload_.has_timestamps ? arrival_ns : -1;
    r.prompt_tokens = static_cast<int32_t>(prompt_tokens);
    r.output_tokens = static_cast<int32_t>(output_tokens);
    workload_.requests.push_back(r);
}

void WorkloadAssembler::set_last_segments(const std::vector<PromptSegment>& segments) {
    LLMSIM_ASSERT(!workload_.requests.empty(), "set_last_segments before add");
    // Offsets are uint32 to keep RequestSpec small; a trace past that is far beyond what a run can hold anyway.
    if (workload_.segments.size() + segments.size() > std::numeric_limits<uint32_t>::max()) {
        throw InputError(path_, "too many prompt segments (more than 2^32 in one trace)");
    }
    auto& r = workload_.requests.back();
    int64_t tokens = 0;
    for (const PromptSegment& s : segments) {
        LLMSIM_ASSERT(s.id != 0 && s.tokens > 0, "prompt segments need a nonzero id and at least one token");
        tokens += s.tokens;
    }
    LLMSIM_ASSERT(tokens <= r.prompt_tokens, "prompt segments longer than the prompt");
    r.segment_offset = static_cast<uint32_t>(workload_.segments.size());
    r.segment_count = static_cast<uint32_t>(segments.size());
    workload_.segments.insert(workload_.segments.end(), segments.begin(), segments.end());
}

Workload WorkloadAssembler::finish() {
    auto& reqs = workload_.requests;
    if (reqs.empty()) {
        throw InputError(path_, "no requests in the file (expected a '" + format_ + "' trace with at least one row)");
    }
    if (workload_.has_timestamps) {
        int64_t out_of_order = 0;
        for (size_t i = 1; i < reqs.size(); ++i)
            out_of_order += reqs[i].arrival_ns < reqs[i - 1].arrival_ns ? 1 : 0;
        if (out_of_order > 0) {
            std::stable_sort(reqs.begin(), reqs.end(),
                             [](const RequestSpec& a, const RequestSpec& b) { return a.arrival_ns < b.arrival_ns; });
            workload_.notes.push_back(std::to_string(out_of_order) +
                                      " rows arrived earlier than the row before them; requests were sorted by "
                                      "arrival time (ties keep file order)");
        }
        // Replays start at t=0: absolute clocks (Azure, BurstGPT) and relative ones are treated alike.
        const int64_t t0 = reqs.front().arrival_ns;
        for (auto& r : reqs)
            r.arrival_ns -= t0;
    }
    if (clamped_outputs_ > 0) {
        workload_.notes.push_back(std::to_string(clamped_outputs_) + " of " + std::to_string(reqs.size()) +
                                  " requests had 0 output tokens; clamped to 1 (every simulated request generates "
                                  "at least one token)");
    }
    return std::move(workload_);
}

}  // namespace llmsim::traces::detail
