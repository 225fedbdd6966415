// Vidur's trace-replay request generator reads a CSV with arrived_at (seconds since the start of the trace),
// num_prefill_tokens and num_decode_tokens; other columns (e.g. num_total_tokens, pd_ratio) may follow.
#include "common/csv.hpp"
#include "traces/formats/formats.hpp"
#include "traces/formats/reader_support.hpp"

namespace llmsim::traces::formats {

bool detect_vidur(std::string_view first_line) {
    return detail::has_columns(detail::csv_header_names(first_line),
                               {"arrived_at", "num_prefill_tokens", "num_decode_tokens"});
}

Workload read_vidur(const std::string& path) {
    CsvReader csv(path, detail::read_trace_text(path));
    const auto cols = detail::require_columns(csv, "vidur", {"arrived_at", "num_prefill_tokens", "num_decode_tokens"});
    detail::WorkloadAssembler out("vidur", path, /*has_timestamps=*/true);
    while (csv.next()) {
        const double arrived_s = csv.get_nonneg_double(cols[0]);
        const int64_t arrival_ns = detail::seconds_to_ns(arrived_s, csv.where("arrived_at"), csv.field(cols[0]));
        out.add(arrival_ns, csv.get_nonneg_int(cols[1]), csv.where("num_prefill_tokens"), csv.get_nonneg_int(cols[2]),
                csv.where("num_decode_tokens"));
    }
    return out.finish();
}

}  // namespace llmsim::traces::formats
