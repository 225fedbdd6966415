// Splitwise simulator traces (Mutinifni/splitwise-sim, traces/*.csv written by generate_trace.py):
// request_id, request_type, application_id, arrival_timestamp (seconds), batch_size, prompt_size, token_size.
// token_size counts every generated token, the first one included (Splitwise's token task runs token_size - 1
// decode steps after the prompt), which is exactly our output_tokens. request_type 2 is a generative LLM request,
// the only type Splitwise simulates. A row with batch_size B becomes B identical requests arriving together.
#include "common/csv.hpp"
#include "common/error.hpp"
#include "traces/formats/formats.hpp"
#include "traces/formats/reader_support.hpp"

namespace llmsim::traces::formats {
namespace {
constexpr int64_t max_batch_size = 4096;  // a guard against a unit mix-up turning one row into millions
}

bool detect_splitwise(std::string_view first_line) {
    return detail::has_columns(detail::csv_header_names(first_line),
                               {"arrival_timestamp", "prompt_size", "token_size"});
}

Workload read_splitwise(const std::string& path) {
    CsvReader csv(path, detail::read_trace_text(path));
    const auto cols = detail::require_columns(csv, "splitwise", {"arrival_timestamp", "prompt_size", "token_size"});
    const auto type_col = csv.column("request_type");
    const auto batch_col = csv.column("batch_size");
    detail::WorkloadAssembler out("splitwise", path, /*has_timestamps=*/true);
    while (csv.next()) {
        if (type_col) {
            const int64_t type = csv.get_int(*type_col);
            if (type != 2) {
                throw InputError(csv.where("request_type"),
                                 "bad value '" + std::string(csv.field(*type_col)) +
                                     "' (expected 2, a generative LLM request; Splitwise simulates no other type)");
            }
        }
        int64_t batch = 1;
        if (batch_col) {
            batch = csv.get_nonneg_int(*batch_col);
            if (batch < 1 || batch > max_batch_size) {
                throw InputError(csv.where("batch_size"), "bad value '" + std::string(csv.field(*batch_col)) +
                                                              "' (expected a batch size from 1 to " +
                                                              std::to_string(max_batch_size) + ")");
            }
        }
        const double arrival_s = csv.get_nonneg_double(cols[0]);
        const int64_t arrival_ns = detail::seconds_to_ns(arrival_s, csv.where("arrival_timestamp"), csv.field(cols[0]));
        const int64_t prompt = csv.get_nonneg_int(cols[1]);
        const int64_t output = csv.get_nonneg_int(cols[2]);
        for (int64_t i = 0; i < batch; ++i) {
            out.add(arrival_ns, prompt, csv.where("prompt_size"), output, csv.where("token_size"));
        }
    }
    return out.finish();
}

}  // namespace llmsim::traces::formats
