#include "sim/serving/metrics.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <limits>

#include "sim/serving/request_table.hpp"

namespace llmsim::sim {
namespace {

double percentile_sorted(const std::vector<double>& sorted, double p) {
    if (sorted.empty()) return 0.0;
    const double rank = p * static_cast<double>(sorted.size() - 1);
    const auto lo = static_cast<size_t>(std::floor(rank));
    const size_t hi = std::min(lo + 1, sorted.size() - 1);
    return sorted[lo] + (rank - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
}

}  // namespace

double tpot_ms(const RequestState& r) {
    return static_cast<double>(r.finish_ns - r.first_token_ns) * 1e-6 / (r.output_tokens - 1);
}

Distribution distribution_of(std::vector<double>& values) {
    Distribution d;
    d.count = values.size();
    if (values.empty()) return d;
    std::sort(values.begin(), values.end());
    double sum = 0;
    for (double v : values)
        sum += v;
    d.mean = sum / static_cast<double>(values.size());
    d.p50 = percentile_sorted(values, 0.50);
    d.p90 = percentile_sorted(values, 0.90);
    d.p99 = percentile_sorted(values, 0.99);
    d.max = values.back();
    return d;
}

ServingSummary summarize(const std::vector<RequestState>& requests, const SloTargets& slo) {
    ServingSummary s;
    s.requests = static_cast<int64_t>(requests.size());
    std::vector<double> ttft;
    std::vector<double> tpot;
    std::vector<double> e2e;
    std::vector<double> queue;
    ttft.reserve(requests.size());
    e2e.reserve(requests.size());
    queue.reserve(requests.size());
    tpot.reserve(requests.size());
    int64_t first_arrival = std::numeric_limits<int64_t>::max();
    int64_t last_finish = 0;
    double output_tokens = 0;
    double input_tokens = 0;
    int64_t met = 0;
    for (const auto& r : requests) {
        first_arrival = std::min(first_arrival, r.arrival_ns);
        s.preemptions += r.preemptions;
        if (r.phase() == RequestPhase::rejected) {
            ++s.rejected;
            continue;
        }
        if (r.phase() != RequestPhase::finished) continue;
        ++s.completed;
        last_finish = std::max(last_finish, r.finish_ns);
        output_tokens += r.output_tokens;
        input_tokens += r.prompt_tokens;
        const double t = static_cast<double>(r.first_token_ns - r.arrival_ns) * 1e-6;
        ttft.push_back(t);
        e2e.push_back(static_cast<double>(r.finish_ns - r.arrival_ns) * 1e-6);
        queue.push_back(static_cast<double>(r.first_scheduled_ns - r.arrival_ns) * 1e-6);
        bool ok = !slo.ttft_ms || t <= *slo.ttft_ms;
        if (r.output_tokens > 1) {
            const double tp = tpot_ms(r);
            tpot.push_back(tp);
            ok = ok && (!slo.tpot_ms || tp <= *slo.tpot_ms);
        }
        if (ok) ++met;
    }
    s.ttft_ms = distribution_of(ttft);
    s.tpot_ms = distribution_of(tpot);
    s.e2e_ms = distribution_of(e2e);
    s.queue_ms = distribution_of(queue);
    const double span_s = s.completed > 0 ? static_cast<double>(last_finish - first_arrival) * 1e-9 : 0.0;
    s.sim_duration_s = static_cast<double>(last_finish) * 1e-9;
    if (span_s > 0) {
        s.throughput_rps = static_cast<double>(s.completed) / span_s;
        s.output_tokens_per_s = output_tokens / span_s;
        s.input_tokens_per_s = input_tokens / span_s;
    }
    if (slo.any() && s.requests > 0) {
        s.slo_attainment = static_cast<double>(met) / static_cast<double>(s.requests);
        s.goodput_rps = span_s > 0 ? static_cast<double>(met) / span_s : 0.0;
    }
    return s;
}

std::string requests_csv(const std::vector<RequestState>& requests, bool spec_decode, bool kv_transfer) {
    const RequestTable table = request_table(requests, spec_decode, kv_transfer);
    std::string out;
    out.reserve((requests.size() + 1) * 120);
    for (const auto& c : table.columns)
        out += (out.empty() ? "" : ",") + c.name;
    out += "\n";
    for (size_t row = 0; row < table.rows; ++row) {
        for (size_t i = 0; i < table.columns.size(); ++i) {
            const RequestColumn& c = table.columns[i];
            if (i > 0) out += ',';
            switch (c.kind) {
                case ColumnKind::integer:
                    fmt::format_to(std::back_inserter(out), "{}", c.integers[row]);
                    break;
                case ColumnKind::number:
                    if (!std::isnan(c.numbers[row]))
                        fmt::format_to(std::back_inserter(out), "{:.{}f}", c.numbers[row], c.csv_decimals);
                    break;
                case ColumnKind::text:
                    out += c.texts[row];
                    break;
            }
        }
        out += '\n';
    }
    return out;
}

}  // namespace llmsim::sim
