// LLMServingSim (casys-kaist/LLMServingSim) request datasets, dataset/*.jsonl: one JSON object per line with
// input_toks (prompt tokens), output_toks (tokens to generate) and arrival_time_ns (integer ns). Optional
// input_tok_ids (the prompt's token ids) become prompt segments of 16 tokens whose ids hash the whole prefix up to
// them, so requests that share a prompt prefix share segment ids (and KV); output_tok_ids are ignored. Agentic session
// rows ("sub_requests", released when the previous call finishes) depend on completions and cannot be replayed as
// a fixed arrival list, so they are rejected.
#include <vector>

#include "common/error.hpp"
#include "traces/formats/formats.hpp"
#include "traces/formats/reader_support.hpp"

namespace llmsim::traces::formats {
namespace {

constexpr int64_t tokens_per_segment = 16;

// Stafford's mix13 (the splitmix64 finaliser): every input bit affects every output bit.
uint64_t mix64(uint64_t z) {
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

uint64_t combine(uint64_t h, uint64_t v) {
    return mix64(h ^ (v + 0x9E3779B97F4A7C15ULL + (h << 6) + (h >> 2)));
}

// Token ids -> 16-token segments; each id hashes the previous segment's id and its own tokens, so equal ids mean
// equal prefixes (not just equal 16-token windows).
void token_segments(const detail::JsonlRow& row, int64_t input_toks, std::vector<PromptSegment>& segments) {
    segments.clear();
    if (!row.has("input_tok_ids")) return;
    const Json& ids = row.require("input_tok_ids");
    if (!ids.is_array()) {
        throw InputError(row.where("input_tok_ids"), "bad value '" + detail::excerpt(ids.dump()) +
                                                         "' (expected an array of non-negative token ids)");
    }
    if (static_cast<int64_t>(ids.size()) != input_toks) {
        throw InputError(row.where("input_tok_ids"), "got " + std::to_string(ids.size()) +
                                                         " token ids for input_toks " + std::to_string(input_toks) +
                                                         " (expected one id per prompt token)");
    }
    uint64_t prev = 0;
    int32_t in_segment = 0;
    uint64_t h = 0;
    for (const Json& id : ids) {
        if (!id.is_number_unsigned() && !(id.is_number_integer() && id.get<int64_t>() >= 0)) {
            throw InputError(row.where("input_tok_ids"), "bad value '" + detail::excerpt(id.dump()) +
                                                             "' in the array (expected non-negative token ids)");
        }
        if (in_segment == 0) h = combine(0x6C6C6D73696DULL, prev);
        h = combine(h, id.get<uint64_t>());
        if (++in_segment == tokens_per_segment) {
            prev = h == 0 ? 1 : h;
            segments.push_back({prev, in_segment});
            in_segment = 0;
        }
    }
    if (in_segment > 0) {
        // The length goes into a short tail's id: a 5-token tail must not match the first 5 tokens of a longer one.
        h = combine(h, static_cast<uint64_t>(in_segment));
        segments.push_back({h == 0 ? 1 : h, in_segment});
    }
}

}  // namespace

bool detect_llmservingsim(std::string_view first_line) {
    return first_line.find("\"arrival_time_ns\"") != std::string_view::npos &&
           (first_line.find("\"input_toks\"") != std::string_view::npos ||
            first_line.find("\"sub_requests\"") != std::string_view::npos);
}

Workload read_llmservingsim(const std::string& path) {
    const std::string text = detail::read_trace_text(path);
    detail::WorkloadAssembler out("llmservingsim", path, /*has_timestamps=*/true);
    std::vector<PromptSegment> segments;
    detail::for_each_jsonl_object(path, text, [&](size_t line, const Json& object) {
        const detail::JsonlRow row(object, path, line);
        if (row.has("sub_requests")) {
            throw InputError(row.where("sub_requests"),
                             "agentic session rows are not supported (expected flat rows with input_toks, "
                             "output_toks, arrival_time_ns)");
        }
        const int64_t input_toks = row.nonneg_int("input_toks");
        out.add(row.nonneg_int("arrival_time_ns"), input_toks, row.where("input_toks"), row.nonneg_int("output_toks"),
                row.where("output_toks"));
        token_segments(row, input_toks, segments);
        out.set_last_segments(segments);
    });
    return out.finish();
}

}  // namespace llmsim::traces::formats
