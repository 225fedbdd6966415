#include "traces/workload_builder.hpp"

#include <cmath>

#include "common/error.hpp"
#include "common/rng.hpp"
#include "common/strings.hpp"
#include "traces/builtin_workloads.hpp"
#include "traces/inference_perf/workload_file.hpp"
#include "traces/synthetic/arrivals.hpp"
#include "traces/synthetic/lengths.hpp"

namespace llmsim::traces {
namespace {

constexpr int64_t max_requests = 100'000'000;  // ~2.4 GB of RequestSpec; beyond that a typo is likelier

int64_t checked_count(const std::optional<int64_t>& n, int64_t fallback) {
    if (!n) return fallback;
    if (*n < 1 || *n > max_requests) {
        throw UsageError("--num-requests",
                         "bad value '" + std::to_string(*n) + "' (expected 1 to " + std::to_string(max_requests) + ")");
    }
    return *n;
}

std::string describe_rate(double qps) {
    return std::isinf(qps) ? "inf" : format_double(qps, 6);
}

// Timestamped replay: first N requests, optionally rescaled to a target mean rate.
Workload replay(Workload w, const WorkloadOptions& o) {
    if (o.arrival) {
        throw UsageError("--arrival", "'" + *o.arrival +
                                          "' cannot be combined with a timestamped --trace, which replays its own "
                                          "arrivals (use --qps to rescale them, or --lengths trace:PATH to draw "
                                          "lengths from it with synthetic arrivals)");
    }
    const auto available = static_cast<int64_t>(w.requests.size());
    const int64_t n = checked_count(o.num_requests, available);
    if (n > available) {
        throw UsageError("--num-requests", "asked for " + std::to_string(n) + " requests but the trace has " +
                                               std::to_string(available) +
                                               " (a timestamped trace is replayed once; use --lengths trace:PATH "
                                               "for more)");
    }
    w.requests.resize(static_cast<size_t>(n));
    if (o.qps) {
        validate_qps(*o.qps);
        if (std::isinf(*o.qps)) {
            for (auto& r : w.requests)
                r.arrival_ns = 0;
        } else if (n >= 2) {
            const double span_ns = static_cast<double>(w.requests.back().arrival_ns - w.requests.front().arrival_ns);
            if (span_ns <= 0) {
                throw UsageError("--qps", "cannot rescale a trace whose requests all arrive at the same time to " +
                                              describe_rate(*o.qps) + " req/s (use --qps inf, or a lengths source)");
            }
            // Mean rate = 1 / mean gap = (n - 1) / span; scale every timestamp by the same factor.
            const double factor = (static_cast<double>(n - 1) / *o.qps * 1e9) / span_ns;
            const int64_t t0 = w.requests.front().arrival_ns;
            if (static_cast<double>(w.requests.back().arrival_ns - t0) * factor > 9.2e18) {
                throw UsageError("--qps", "rescaling to " + describe_rate(*o.qps) +
                                              " req/s overflows the simulated clock (expected a larger rate)");
            }
            for (auto& r : w.requests) {
                r.arrival_ns = std::llround(static_cast<double>(r.arrival_ns - t0) * factor);
            }
        }
        w.source += " (rescaled to qps " + describe_rate(*o.qps) + ")";
    }
    return w;
}

// Arrival process and rate for synthetic arrivals; `builtin` may supply defaults.
std::pair<ArrivalProcess, double> arrival_settings(const WorkloadOptions& o, const BuiltinWorkload* builtin,
                                                   const std::string& lengths_text) {
    if (o.qps) {
        validate_qps(*o.qps);
        return {o.arrival ? parse_arrival(*o.arrival) : ArrivalProcess{}, *o.qps};
    }
    if (builtin != nullptr && builtin->has_timestamps) {
        if (o.arrival) return {parse_arrival(*o.arrival), builtin->mean_rate_per_s};
        // Shape the default workload like the source trace: its mean rate, its burstiness.
        ArrivalProcess p;
        if (builtin->interarrival_cv > 0) {
            p.kind = ArrivalKind::gamma;
            p.cv = builtin->interarrival_cv;
        }
        return {p, builtin->mean_rate_per_s};
    }
    throw UsageError("--qps", "no arrival rate: '" + lengths_text +
                                  "' has no timestamps (give --qps X requests/s, or --qps inf for all at t=0)");
}

// The workload file defines arrivals, lengths and the request count; flags that would too are usage errors.
void check_workload_file_flags(const WorkloadOptions& o) {
    const std::string why =
        " cannot be combined with --workload (the workload file defines arrivals, lengths and "
        "the number of requests)";
    if (o.trace_path) throw UsageError("--trace", "'" + *o.trace_path + "'" + why);
    if (o.lengths) throw UsageError("--lengths", "'" + *o.lengths + "'" + why);
    if (o.arrival) throw UsageError("--arrival", "'" + *o.arrival + "'" + why);
    if (o.qps) throw UsageError("--qps", "'" + describe_rate(*o.qps) + "'" + why);
    if (o.num_requests) throw UsageError("--num-requests", "'" + std::to_string(*o.num_requests) + "'" + why);
}

}  // namespace

Workload build_workload(const WorkloadOptions& o) {
    validate_trace_format_name(o.trace_format);
    if (o.workload_path) {
        check_workload_file_flags(o);
        return read_workload_file(*o.workload_path, o.seed);
    }
    const RngStreams streams(o.seed);

    if (o.trace_path) {
        if (o.lengths) {
            throw UsageError("--lengths", "'" + *o.lengths +
                                              "' cannot be combined with --trace (the trace supplies the lengths; "
                                              "use one or the other)");
        }
        Workload w = read_trace(*o.trace_path, o.trace_format);
        if (w.has_timestamps) return replay(std::move(w), o);

        // Lengths-only trace: rows in file order, wrapping around; arrivals synthesised.
        const auto rows = static_cast<int64_t>(w.requests.size());
        const int64_t n = checked_count(o.num_requests, rows);
        const auto [process, qps] = arrival_settings(o, nullptr, *o.trace_path);
        Rng arrival_rng = streams.stream("arrivals");
        const auto arrivals = generate_arrivals(process, qps, n, arrival_rng);
        Workload out;
        out.requests.reserve(static_cast<size_t>(n));
        for (int64_t i = 0; i < n; ++i) {
            RequestSpec r = w.requests[static_cast<size_t>(i % rows)];
            r.arrival_ns = arrivals[static_cast<size_t>(i)];
            out.requests.push_back(r);
        }
        out.segments = std::move(w.segments);
        out.stages = std::move(w.stages);
        out.has_timestamps = true;
        out.source = w.source + " with " + to_string(process) + " arrivals at qps " + describe_rate(qps);
        out.notes = std::move(w.notes);
        if (n > rows) {
            out.notes.push_back("the trace has " + std::to_string(rows) + " rows; " + std::to_string(n) +
                                " requests reuse them in order, wrapping around");
        }
        return out;
    }

    const std::string lengths_text = o.lengths.value_or(default_builtin_lengths);
    const LengthSampler sampler(parse_lengths(lengths_text));
    const int64_t n = checked_count(o.num_requests, default_synthetic_requests);
    const auto [process, qps] = arrival_settings(o, sampler.builtin(), lengths_text);
    Rng arrival_rng = streams.stream("arrivals");
    Rng length_rng = streams.stream("lengths");
    const auto arrivals = generate_arrivals(process, qps, n, arrival_rng);
    Workload out;
    out.requests.reserve(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) {
        const auto [prompt, output] = sampler.sample(length_rng);
        RequestSpec r;
        r.arrival_ns = arrivals[static_cast<size_t>(i)];
        r.prompt_tokens = prompt;
        r.output_tokens = output;
        out.requests.push_back(r);
    }
    out.has_timestamps = true;
    out.source = "synthetic: lengths " + to_string(sampler.spec()) + ", " + to_string(process) + " arrivals at qps " +
                 describe_rate(qps) + ", seed " + std::to_string(o.seed);
    out.notes = sampler.notes();
    return out;
}

}  // namespace llmsim::traces
