// LLMServingSim (casys-kaist/LLMServingSim) request datasets, dataset/*.jsonl: one JSON object per line with
// input_toks (prompt tokens), output_toks (tokens to generate) and arrival_time_ns (integer ns). Optional
// input_tok_ids/output_tok_ids hold token ids (not block hashes) and are ignored. Agentic session rows
// ("sub_requests", released when the previous call finishes) depend on completions and cannot be replayed as
// a fixed arrival list, so they are rejected.
#include "common/error.hpp"
#include "traces/formats/formats.hpp"
#include "traces/formats/reader_support.hpp"

namespace llmsim::traces::formats {

bool detect_llmservingsim(std::string_view first_line) {
    return first_line.find("\"arrival_time_ns\"") != std::string_view::npos &&
           (first_line.find("\"input_toks\"") != std::string_view::npos ||
            first_line.find("\"sub_requests\"") != std::string_view::npos);
}

Workload read_llmservingsim(const std::string& path) {
    const std::string text = detail::read_trace_text(path);
    detail::WorkloadAssembler out("llmservingsim", path, /*has_timestamps=*/true);
    detail::for_each_jsonl_object(path, text, [&](size_t line, const Json& object) {
        const detail::JsonlRow row(object, path, line);
        if (row.has("sub_requests")) {
            throw InputError(row.where("sub_requests"),
                             "agentic session rows are not supported (expected flat rows with input_toks, "
                             "output_toks, arrival_time_ns)");
        }
        out.add(row.nonneg_int("arrival_time_ns"), row.nonneg_int("input_toks"), row.where("input_toks"),
                row.nonneg_int("output_toks"), row.where("output_toks"));
    });
    return out.finish();
}

}  // namespace llmsim::traces::formats
