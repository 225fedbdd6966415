// Mooncake FAST'25 traces (kvcache-ai/Mooncake, FAST25-release/traces/*.jsonl): one JSON object per line with
// timestamp (ms since trace start), input_length, output_length and hash_ids (remapped hashes of 512-token prompt
// blocks; equal ids across requests mean a reusable KV prefix). Hash ids are pooled in Workload::hash_ids.
#include <cmath>

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

}  // namespace

bool detect_mooncake(std::string_view first_line) {
    return first_line.find("\"input_length\"") != std::string_view::npos &&
           first_line.find("\"output_length\"") != std::string_view::npos &&
           first_line.find("\"timestamp\"") != std::string_view::npos;
}

Workload read_mooncake(const std::string& path) {
    const std::string text = detail::read_trace_text(path);
    detail::WorkloadAssembler out("mooncake", path, /*has_timestamps=*/true);
    out.set_hash_block_tokens(mooncake_hash_block_tokens);
    std::vector<uint64_t> hashes;
    detail::for_each_jsonl_object(path, text, [&](size_t line, const Json& object) {
        const detail::JsonlRow row(object, path, line);
        const int64_t arrival_ns = ms_to_ns(row);
        out.add(arrival_ns, row.nonneg_int("input_length"), row.where("input_length"), row.nonneg_int("output_length"),
                row.where("output_length"));
        hashes.clear();
        if (row.has("hash_ids")) {
            const Json& ids = row.require("hash_ids");
            if (!ids.is_array()) {
                throw InputError(row.where("hash_ids"), "bad value '" + detail::excerpt(ids.dump()) +
                                                            "' (expected an array of non-negative integers)");
            }
            for (const Json& id : ids) {
                if (!id.is_number_unsigned() && !(id.is_number_integer() && id.get<int64_t>() >= 0)) {
                    throw InputError(row.where("hash_ids"), "bad value '" + detail::excerpt(id.dump()) +
                                                                "' in the array (expected non-negative integers)");
                }
                hashes.push_back(id.get<uint64_t>());
            }
        }
        out.set_last_hashes(hashes);
    });
    return out.finish();
}

}  // namespace llmsim::traces::formats
