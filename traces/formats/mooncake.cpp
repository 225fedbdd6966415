// Mooncake FAST'25 traces (kvcache-ai/Mooncake, FAST25-release/traces/*.jsonl): one JSON object per line with
// timestamp (ms since trace start), input_length, output_length and hash_ids (remapped hashes of 512-token prompt
// blocks; equal ids across requests mean a reusable KV prefix). Each hash id becomes one PromptSegment of 512 tokens
// (the last one holds the remainder), so a trace row must carry exactly ceil(input_length / 512) ids.
#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "common/error.hpp"
#include "traces/formats/formats.hpp"
#include "traces/formats/reader_support.hpp"

namespace llmsim::traces::formats {
namespace {

int64_t ms_to_ns(const detail::JsonlRow& row) {
    const Json& v = row.require("timestamp");
    // Integer milliseconds convert exactly; fractional ones are rounded to the nearest ns.
    if ((v.is_number_unsigned() || v.is_number_integer()) && v.get<int64_t>() >= 0 &&
        v.get<int64_t>() <= 9'200'000'000'000) {
        return v.get<int64_t>() * 1'000'000;
    }
    const double ms = row.nonneg_number("timestamp");
    if (ms > 9.2e12) {
        throw InputError(row.where("timestamp"),
                         "bad value '" + detail::excerpt(v.dump()) + "' (expected milliseconds between 0 and 9.2e12)");
    }
    return std::llround(ms * 1e6);
}

// The hash ids of one row as prompt segments. Segment id = hash id + 1: Mooncake ids start at 0, which
// PromptSegment reserves for "unique content".
void read_segments(const detail::JsonlRow& row, int64_t input_length, std::vector<PromptSegment>& segments) {
    segments.clear();
    if (!row.has("hash_ids")) return;
    const Json& ids = row.require("hash_ids");
    if (!ids.is_array()) {
        throw InputError(row.where("hash_ids"), "bad value '" + detail::excerpt(ids.dump()) +
                                                    "' (expected an array of non-negative integers)");
    }
    const int64_t block = mooncake_hash_block_tokens;
    const int64_t expected = (input_length + block - 1) / block;
    if (static_cast<int64_t>(ids.size()) != expected) {
        throw InputError(row.where("hash_ids"),
                         "got " + std::to_string(ids.size()) + " ids for input_length " + std::to_string(input_length) +
                             " (expected ceil(" + std::to_string(input_length) + "/512) = " + std::to_string(expected) +
                             ", one per 512-token block)");
    }
    int64_t left = input_length;
    for (const Json& id : ids) {
        if (!id.is_number_unsigned() && !(id.is_number_integer() && id.get<int64_t>() >= 0)) {
            throw InputError(row.where("hash_ids"), "bad value '" + detail::excerpt(id.dump()) +
                                                        "' in the array (expected non-negative integers)");
        }
        const auto value = id.get<uint64_t>();
        if (value == std::numeric_limits<uint64_t>::max()) {
            throw InputError(row.where("hash_ids"),
                             "bad value '" + std::to_string(value) + "' in the array (expected at most 2^64-2)");
        }
        const int64_t tokens = std::min(left, block);
        segments.push_back({value + 1, static_cast<int32_t>(tokens)});
        left -= tokens;
    }
}

}  // namespace

bool detect_mooncake(std::string_view first_line) {
    return first_line.find("\"input_length\"") != std::string_view::npos &&
           first_line.find("\"output_length\"") != std::string_view::npos &&
           first_line.find("\"timestamp\"") != std::string_view::npos;
}

Workload read_mooncake(const std::string& path) {
    const std::string text = detail::read_trace_text(path);
    detail::WorkloadAssembler out("mooncake", path, /*has_timestamps=*/true);
    std::vector<PromptSegment> segments;
    detail::for_each_jsonl_object(path, text, [&](size_t line, const Json& object) {
        const detail::JsonlRow row(object, path, line);
        const int64_t arrival_ns = ms_to_ns(row);
        const int64_t input_length = row.nonneg_int("input_length");
        out.add(arrival_ns, input_length, row.where("input_length"), row.nonneg_int("output_length"),
                row.where("output_length"));
        read_segments(row, input_length, segments);
        out.set_last_segments(segments);
    });
    return out.finish();
}

}  // namespace llmsim::traces::formats
