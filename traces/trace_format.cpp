#include "traces/trace_format.hpp"

#include "common/error.hpp"
#include "common/nearest.hpp"
#include "common/strings.hpp"
#include "traces/formats/formats.hpp"
#include "traces/formats/reader_support.hpp"

namespace llmsim::traces {

const std::vector<TraceFormat>& trace_formats() {
    // Vidur before sharegpt-stats: both have num_prefill_tokens, only Vidur replay traces have arrived_at.
    static const std::vector<TraceFormat> formats = {
        {"vidur", "Vidur trace-replay CSV: arrived_at (s), num_prefill_tokens, num_decode_tokens", true,
         formats::detect_vidur, formats::read_vidur},
        {"azure", "Azure LLM inference 2023/2024 CSV: TIMESTAMP, ContextTokens, GeneratedTokens", true,
         formats::detect_azure, formats::read_azure},
        {"mooncake", "Mooncake FAST'25 JSONL: timestamp (ms), input_length, output_length, hash_ids (512-token blocks)",
         true, formats::detect_mooncake, formats::read_mooncake},
        {"splitwise", "Splitwise simulator CSV: arrival_timestamp (s), prompt_size, token_size, batch_size", true,
         formats::detect_splitwise, formats::read_splitwise},
        {"sharegpt-stats", "lengths-only CSV (ShareGPT/arXiv stats): num_prefill_tokens, num_decode_tokens", false,
         formats::detect_sharegpt_stats, formats::read_sharegpt_stats},
        {"burstgpt", "BurstGPT CSV: Timestamp (s), Request tokens, Response tokens (failed rows skipped)", true,
         formats::detect_burstgpt, formats::read_burstgpt},
        {"llmservingsim", "LLMServingSim JSONL: input_toks, output_toks, arrival_time_ns", true,
         formats::detect_llmservingsim, formats::read_llmservingsim},
    };
    return formats;
}

std::vector<NamedDescription> list_trace_formats() {
    std::vector<NamedDescription> out;
    for (const auto& f : trace_formats())
        out.push_back({std::string(f.name), std::string(f.description)});
    return out;
}

std::vector<std::string> trace_format_names() {
    std::vector<std::string> names = {"auto"};
    for (const auto& f : trace_formats())
        names.emplace_back(f.name);
    return names;
}

void validate_trace_format_name(std::string_view name) {
    for (const auto& n : trace_format_names()) {
        if (n == name) return;
    }
    throw UsageError("--trace-format", unknown_name_message("trace format", name, trace_format_names()));
}

std::string detect_trace_format(const std::string& path) {
    const std::string text = detail::read_trace_head(path);
    const std::string_view line = detail::first_line(text);
    if (line.empty()) throw InputError(path, "empty file (expected a trace with a header or JSON lines)");
    for (const auto& f : trace_formats()) {
        if (f.detect(line)) return std::string(f.name);
    }
    std::vector<std::string> names;
    for (const auto& f : trace_formats())
        names.emplace_back(f.name);
    std::string hint;
    if (line.find(',') == std::string_view::npos && line.front() != '{') {
        if (line.find(';') != std::string_view::npos) hint = "; it looks ;-separated, but trace CSVs use commas";
        if (line.find('\t') != std::string_view::npos) hint = "; it looks tab-separated, but trace CSVs use commas";
    }
    throw InputError(path + ":1", "unrecognised trace format; first line is '" + detail::excerpt(line) + "'" + hint +
                                      " (expected the header or first JSON line of one of: " + join(names, ", ") +
                                      "; see `llmsim list traces`, or pass --trace-format)");
}

Workload read_trace(const std::string& path, std::string_view format_name) {
    validate_trace_format_name(format_name);
    const std::string name = format_name == "auto" ? detect_trace_format(path) : std::string(format_name);
    for (const auto& f : trace_formats()) {
        if (f.name == name) return f.read(path);
    }
    throw InternalError("read_trace", "format '" + name + "' validated but not in the registry");
}

}  // namespace llmsim::traces
