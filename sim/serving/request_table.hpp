#pragma once
// Per-request results as named columns: what requests.csv prints (at full precision here, rounded there) and what
// the Python module's run_requests returns. One definition of each per-request metric, shared by both.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sim/serving/request_state.hpp"

namespace llmsim::sim {

enum class ColumnKind { integer, number, text };

struct RequestColumn {
    std::string name;
    ColumnKind kind = ColumnKind::number;
    int csv_decimals = 0;                 // number columns: decimals requests.csv prints
    std::vector<int64_t> integers;        // integer columns
    std::vector<double> numbers;          // number columns; NaN where there is no value (e.g. not completed)
    std::vector<std::string_view> texts;  // text columns (static strings)
};

struct RequestTable {
    size_t rows = 0;
    std::vector<RequestColumn> columns;
};

// Columns: id, replica, arrival_s, prompt_tokens, output_tokens, status (completed|rejected|unfinished),
// first_scheduled_s, first_token_s, finish_s, queue_ms, ttft_ms, tpot_ms (requests with > 1 output token), e2e_ms,
// preemptions, with `spec_decode` spec_accepted_tokens (output tokens that came from accepted drafts), and with
// `kv_transfer` (disaggregated runs) kv_transfer_ms (empty for requests whose KV did not move).
RequestTable request_table(const std::vector<RequestState>& requests, bool spec_decode, bool kv_transfer = false);

}  // namespace llmsim::sim
