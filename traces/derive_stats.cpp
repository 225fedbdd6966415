#include "traces/derive_stats.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <unordered_set>

#include "common/error.hpp"
#include "common/strings.hpp"
#include "traces/stats_math.hpp"

namespace llmsim::traces {
namespace {

LengthSummary summarise(std::vector<double> values) {
    LengthSummary s;
    if (values.empty()) return s;
    std::sort(values.begin(), values.end());
    s.mean = std::accumulate(values.begin(), values.end(), 0.0) / static_cast<double>(values.size());
    s.median = sorted_quantile(values, 0.5);
    s.p90 = sorted_quantile(values, 0.9);
    s.p99 = sorted_quantile(values, 0.99);
    s.min = static_cast<int64_t>(values.front());
    s.max = static_cast<int64_t>(values.back());
    return s;
}

double round_to(double v, int decimals) {
    const double scale = std::pow(10.0, decimals);
    return std::round(v * scale) / scale;
}

double significant(double v, int digits) {
    return parse_double(format_double(v, digits)).value_or(v);
}

// Quantile values of integer token counts: whole tokens above 100, tenths below (enough for the sampler, and
// keeps each table around a kilobyte). Whole values are stored as JSON integers.
OrderedJson table_value(double v) {
    const double r = v >= 100 ? std::round(v) : round_to(v, 1);
    if (r == std::floor(r)) return static_cast<int64_t>(r);
    return r;
}

bool all_numbers(const OrderedJson& j) {
    return std::all_of(j.begin(), j.end(), [](const OrderedJson& v) { return v.is_number(); });
}

void pretty(const OrderedJson& j, int indent, std::string& out) {
    const std::string pad(static_cast<size_t>(indent), ' ');
    if (j.is_object() && !j.empty()) {
        out += "{\n";
        size_t i = 0;
        for (const auto& [key, value] : j.items()) {
            out += pad + "  " + OrderedJson(key).dump() + ": ";
            pretty(value, indent + 2, out);
            out += ++i < j.size() ? ",\n" : "\n";
        }
        out += pad + "}";
    } else if (j.is_array() && !j.empty() && all_numbers(j)) {
        // Number tables: many values per line keeps the files short and diffable.
        out += "[";
        for (size_t i = 0; i < j.size(); ++i) {
            if (i > 0) out += i % 16 == 0 ? ",\n" + pad + "  " : ", ";
            out += j[i].dump();
        }
        out += "]";
    } else {
        out += j.dump();
    }
}

OrderedJson length_json(const std::vector<double>& values, int quantiles) {
    std::vector<double> sorted = values;
    std::sort(sorted.begin(), sorted.end());
    const LengthSummary s = summarise(values);
    OrderedJson j;
    j["mean"] = round_to(s.mean, 1);
    j["median"] = table_value(s.median);
    j["p90"] = table_value(s.p90);
    j["p99"] = table_value(s.p99);
    j["max"] = s.max;
    OrderedJson table = OrderedJson::array();
    for (int i = 0; i < quantiles; ++i) {
        const double p = quantile_grid_probability(static_cast<size_t>(i), static_cast<size_t>(quantiles));
        table.push_back(table_value(sorted_quantile(sorted, p)));
    }
    j["quantiles"] = std::move(table);
    return j;
}

OrderedJson length_summary_json(const LengthSummary& s) {
    OrderedJson j;
    j["mean"] = round_to(s.mean, 2);
    j["median"] = s.median;
    j["p90"] = s.p90;
    j["p99"] = s.p99;
    j["min"] = s.min;
    j["max"] = s.max;
    return j;
}

std::string fmt(const char* format, double v) {
    char buf[64];
    std::snprintf(buf, sizeof(buf), format, v);
    return buf;
}

std::string length_row(const char* label, const LengthSummary& s) {
    char buf[160];
    std::snprintf(buf, sizeof(buf), "%-15s %10.1f %10.1f %10.1f %10.1f %10lld %10lld\n", label, s.mean, s.median, s.p90,
                  s.p99, static_cast<long long>(s.min), static_cast<long long>(s.max));
    return buf;
}

}  // namespace

std::string format_statistics_json(const OrderedJson& j) {
    std::string out;
    pretty(j, 0, out);
    return out + "\n";
}

TraceStats compute_trace_stats(const Workload& workload) {
    TraceStats st;
    const auto& reqs = workload.requests;
    st.requests = static_cast<int64_t>(reqs.size());
    st.has_timestamps = workload.has_timestamps;
    std::vector<double> prompt, output;
    prompt.reserve(reqs.size());
    output.reserve(reqs.size());
    for (const auto& r : reqs) {
        prompt.push_back(r.prompt_tokens);
        output.push_back(r.output_tokens);
    }
    st.prompt = summarise(std::move(prompt));
    st.output = summarise(std::move(output));
    if (workload.has_timestamps && reqs.size() >= 2) {
        st.span_s = static_cast<double>(reqs.back().arrival_ns - reqs.front().arrival_ns) * 1e-9;
        const double n_gaps = static_cast<double>(reqs.size() - 1);
        double sum = 0, sum_sq = 0;
        for (size_t i = 1; i < reqs.size(); ++i) {
            const double gap = static_cast<double>(reqs[i].arrival_ns - reqs[i - 1].arrival_ns) * 1e-9;
            sum += gap;
            sum_sq += gap * gap;
        }
        const double mean_gap = sum / n_gaps;
        if (mean_gap > 0) {
            st.mean_rate_per_s = 1.0 / mean_gap;
            const double var = std::max(0.0, sum_sq / n_gaps - mean_gap * mean_gap);
            st.interarrival_cv = std::sqrt(var) / mean_gap;
        }
    }
    if (!workload.segments.empty()) {
        std::unordered_set<uint64_t> seen;
        int64_t repeats = 0;
        for (const auto& r : reqs) {
            for (uint32_t i = 0; i < r.segment_count; ++i) {
                st.hash_ids += 1;
                repeats += seen.insert(workload.segments[r.segment_offset + i].id).second ? 0 : 1;
            }
        }
        st.repeated_hash_fraction = st.hash_ids > 0 ? static_cast<double>(repeats) / st.hash_ids : 0.0;
    }
    return st;
}

std::string format_trace_stats(const TraceStats& s) {
    std::string out;
    out += "requests          " + std::to_string(s.requests) + "\n";
    if (s.has_timestamps) {
        out += "span              " + fmt("%.1f s", s.span_s) + "\n";
        out += "mean arrival rate " + fmt("%.3f req/s", s.mean_rate_per_s) + "\n";
        out += "inter-arrival CV  " + fmt("%.3f", s.interarrival_cv) + "\n";
    } else {
        out += "timestamps        none (lengths only; arrivals are synthesised from --qps/--arrival)\n";
    }
    if (s.hash_ids > 0) {
        out += "prefix hash ids   " + std::to_string(s.hash_ids) + " (" +
               fmt("%.1f", 100.0 * s.repeated_hash_fraction) + " % repeat an earlier id)\n";
    }
    char head[160];
    std::snprintf(head, sizeof(head), "%-15s %10s %10s %10s %10s %10s %10s\n", "", "mean", "median", "p90", "p99",
                  "min", "max");
    out += head;
    out += length_row("prompt tokens", s.prompt);
    out += length_row("output tokens", s.output);
    return out;
}

OrderedJson trace_stats_json(const TraceStats& s) {
    OrderedJson j;
    j["requests"] = s.requests;
    j["has_timestamps"] = s.has_timestamps;
    if (s.has_timestamps) {
        j["span_s"] = s.span_s;
        j["mean_rate_per_s"] = s.mean_rate_per_s;
        j["interarrival_cv"] = s.interarrival_cv;
    }
    j["prompt_tokens"] = length_summary_json(s.prompt);
    j["output_tokens"] = length_summary_json(s.output);
    if (s.hash_ids > 0) {
        j["hash_ids"] = s.hash_ids;
        j["repeated_hash_fraction"] = s.repeated_hash_fraction;
    }
    return j;
}

OrderedJson derive_workload_statistics(const Workload& workload, const std::string& name,
                                       const DerivationSource& source, int quantiles) {
    if (quantiles < 2)
        throw UsageError("--quantiles", "need at least 2 quantiles (got " + std::to_string(quantiles) + ")");
    if (workload.requests.empty()) throw InputError(workload.source, "no requests to derive statistics from");
    const TraceStats st = compute_trace_stats(workload);
    std::vector<double> prompt, output;
    for (const auto& r : workload.requests) {
        prompt.push_back(r.prompt_tokens);
        output.push_back(r.output_tokens);
    }
    OrderedJson j;
    j["name"] = name;
    j["description"] = source.description;
    OrderedJson src;
    src["file"] = source.file;
    src["format"] = source.format;
    src["upstream"] = source.upstream;
    src["licence"] = source.licence;
    src["citation"] = source.citation;
    j["source"] = std::move(src);
    j["derivation"] =
        "summary statistics computed by `llmsim trace derive` (quantile tables, rates, correlation); no rows of the "
        "source file are included";
    j["requests"] = st.requests;
    j["has_timestamps"] = st.has_timestamps;
    if (st.has_timestamps) {
        j["span_s"] = round_to(st.span_s, 1);
        j["mean_rate_per_s"] = significant(st.mean_rate_per_s, 5);
        j["interarrival_cv"] = significant(st.interarrival_cv, 4);
    }
    j["prompt_tokens"] = length_json(prompt, quantiles);
    j["output_tokens"] = length_json(output, quantiles);
    j["quantile_grid"] = quantile_grid_description;
    j["rank_correlation"] = round_to(gaussian_copula_correlation(prompt, output), 4);
    return j;
}

}  // namespace llmsim::traces
