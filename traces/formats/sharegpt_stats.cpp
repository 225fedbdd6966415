// Lengths-only "stats" CSVs shipped with Vidur and Sarathi-Serve (ShareGPT, arXiv summarization, ...):
// num_prefill_tokens, num_decode_tokens[, num_total_tokens, pd_ratio]. There are no timestamps: arrivals are
// synthesised by the workload builder, and rows keep file order.
#include "common/csv.hpp"
#include "traces/formats/formats.hpp"
#include "traces/formats/reader_support.hpp"

namespace llmsim::traces::formats {

bool detect_sharegpt_stats(std::string_view first_line) {
    const auto header = detail::csv_header_names(first_line);
    // A header that also has arrived_at is a Vidur replay trace, which carries timestamps.
    return detail::has_columns(header, {"num_prefill_tokens", "num_decode_tokens"}) &&
           !detail::has_columns(header, {"arrived_at"});
}

Workload read_sharegpt_stats(const std::string& path) {
    CsvReader csv(path, detail::read_trace_text(path));
    const auto cols = detail::require_columns(csv, "sharegpt-stats", {"num_prefill_tokens", "num_decode_tokens"});
    detail::WorkloadAssembler out("sharegpt-stats", path, /*has_timestamps=*/false);
    while (csv.next()) {
        out.add(-1, csv.get_nonneg_int(cols[0]), csv.where("num_prefill_tokens"), csv.get_nonneg_int(cols[1]),
                csv.where("num_decode_tokens"));
    }
    return out.finish();
}

}  // namespace llmsim::traces::formats
