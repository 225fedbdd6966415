#include "sim/serving/request_table.hpp"

#include <limits>

#include "sim/serving/metrics.hpp"

namespace llmsim::sim {
namespace {

constexpr double kNoValue = std::numeric_limits<double>::quiet_NaN();

RequestColumn column(std::string name, ColumnKind kind, int csv_decimals, size_t rows) {
    RequestColumn c{std::move(name), kind, csv_decimals, {}, {}, {}};
    if (kind == ColumnKind::integer) c.integers.reserve(rows);
    if (kind == ColumnKind::number) c.numbers.reserve(rows);
    if (kind == ColumnKind::text) c.texts.reserve(rows);
    return c;
}

}  // namespace

RequestTable request_table(const std::vector<RequestState>& requests, bool spec_decode, bool kv_transfer) {
    const size_t n = requests.size();
    RequestTable t;
    t.rows = n;
    auto& cols = t.columns;
    cols.push_back(column("id", ColumnKind::integer, 0, n));
    cols.push_back(column("replica", ColumnKind::integer, 0, n));
    cols.push_back(column("arrival_s", ColumnKind::number, 6, n));
    cols.push_back(column("prompt_tokens", ColumnKind::integer, 0, n));
    cols.push_back(column("output_tokens", ColumnKind::integer, 0, n));
    cols.push_back(column("status", ColumnKind::text, 0, n));
    cols.push_back(column("first_scheduled_s", ColumnKind::number, 6, n));
    cols.push_back(column("first_token_s", ColumnKind::number, 6, n));
    cols.push_back(column("finish_s", ColumnKind::number, 6, n));
    cols.push_back(column("queue_ms", ColumnKind::number, 3, n));
    cols.push_back(column("ttft_ms", ColumnKind::number, 3, n));
    cols.push_back(column("tpot_ms", ColumnKind::number, 3, n));
    cols.push_back(column("e2e_ms", ColumnKind::number, 3, n));
    cols.push_back(column("preemptions", ColumnKind::integer, 0, n));
    if (spec_decode) cols.push_back(column("spec_accepted_tokens", ColumnKind::integer, 0, n));
    if (kv_transfer) cols.push_back(column("kv_transfer_ms", ColumnKind::number, 3, n));

    auto seconds = [](int64_t ns) { return ns < 0 ? kNoValue : static_cast<double>(ns) * 1e-9; };
    for (const auto& r : requests) {
        const bool done = r.phase() == RequestPhase::finished;
        const char* status = done ? "completed" : (r.phase() == RequestPhase::rejected ? "rejected" : "unfinished");
        size_t i = 0;
        cols[i++].integers.push_back(r.id);
        cols[i++].integers.push_back(r.replica);
        cols[i++].numbers.push_back(seconds(r.arrival_ns));
        cols[i++].integers.push_back(r.prompt_tokens);
        cols[i++].integers.push_back(r.output_tokens);
        cols[i++].texts.emplace_back(status);
        cols[i++].numbers.push_back(seconds(r.first_scheduled_ns));
        cols[i++].numbers.push_back(seconds(r.first_token_ns));
        cols[i++].numbers.push_back(seconds(r.finish_ns));
        cols[i++].numbers.push_back(done ? static_cast<double>(r.first_scheduled_ns - r.arrival_ns) * 1e-6 : kNoValue);
        cols[i++].numbers.push_back(done ? static_cast<double>(r.first_token_ns - r.arrival_ns) * 1e-6 : kNoValue);
        cols[i++].numbers.push_back(done && r.output_tokens > 1 ? tpot_ms(r) : kNoValue);
        cols[i++].numbers.push_back(done ? static_cast<double>(r.finish_ns - r.arrival_ns) * 1e-6 : kNoValue);
        cols[i++].integers.push_back(r.preemptions);
        if (spec_decode) cols[i++].integers.push_back(r.spec_accepted);
        if (kv_transfer) cols[i++].numbers.push_back(r.kv_transfer_ns < 0 ? kNoValue : static_cast<double>(r.kv_transfer_ns) * 1e-6);
    }
    return t;
}

}  // namespace llmsim::sim
