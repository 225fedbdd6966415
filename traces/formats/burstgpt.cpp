// BurstGPT (HPMLL/BurstGPT, data/BurstGPT_*.csv): Timestamp (seconds since 0:00 of the first day), Model,
// Request tokens, Response tokens, Total tokens, Log Type. Rows with 0 response tokens are failed requests in
// BurstGPT (the *_without_fails_* files drop them); we skip them too, rather than simulate a request that never
// produced output, and say how many were skipped in Workload::notes.
#include "common/csv.hpp"
#include "traces/formats/formats.hpp"
#include "traces/formats/reader_support.hpp"

namespace llmsim::traces::formats {

bool detect_burstgpt(std::string_view first_line) {
    return detail::has_columns(detail::csv_header_names(first_line),
                               {"Timestamp", "Request tokens", "Response tokens"});
}

Workload read_burstgpt(const std::string& path) {
    CsvReader csv(path, detail::read_trace_text(path));
    const auto cols = detail::require_columns(csv, "burstgpt", {"Timestamp", "Request tokens", "Response tokens"});
    detail::WorkloadAssembler out("burstgpt", path, /*has_timestamps=*/true);
    int64_t failed = 0;
    int64_t rows = 0;
    while (csv.next()) {
        ++rows;
        const double t_s = csv.get_nonneg_double(cols[0]);
        const int64_t arrival_ns = detail::seconds_to_ns(t_s, csv.where("Timestamp"), csv.field(cols[0]));
        const int64_t request_tokens = csv.get_nonneg_int(cols[1]);
        const int64_t response_tokens = csv.get_nonneg_int(cols[2]);
        if (response_tokens == 0) {
            ++failed;
            continue;
        }
        out.add(arrival_ns, request_tokens, csv.where("Request tokens"), response_tokens, csv.where("Response tokens"));
    }
    if (failed > 0) {
        out.note("skipped " + std::to_string(failed) + " of " + std::to_string(rows) +
                 " rows with 0 response tokens (failed requests in BurstGPT)");
    }
    return out.finish();
}

}  // namespace llmsim::traces::formats
