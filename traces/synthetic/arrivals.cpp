#include "traces/synthetic/arrivals.hpp"

#include <cmath>
#include <limits>

#include "common/bounded.hpp"
#include "common/error.hpp"
#include "common/strings.hpp"

namespace llmsim::traces {
namespace {

constexpr const char* arrival_forms = "expected poisson, uniform, or gamma:CV with CV > 0, e.g. gamma:2";
constexpr double max_cv = 100.0;  // gamma shape 1e-4: beyond this, gaps are all zero or astronomically large
constexpr double min_cv = 1e-3;   // gamma shape 1e6: below this the gaps are uniform (use uniform)

}  // namespace

ArrivalProcess parse_arrival(std::string_view text) {
    const std::string t = to_lower(trim(text));
    if (t == "poisson") return {ArrivalKind::poisson, 1.0};
    if (t == "uniform") return {ArrivalKind::uniform, 0.0};
    if (starts_with(t, "gamma:")) {
        const auto cv = parse_double(std::string_view(t).substr(6));
        if (cv && *cv >= min_cv && *cv <= max_cv) return {ArrivalKind::gamma, *cv};
        throw UsageError("--arrival", "bad gamma CV in '" + clip_for_message(text) + "' (" + arrival_forms +
                                          "; CV from " + format_double(min_cv) + " to " + format_double(max_cv) + ")");
    }
    throw UsageError("--arrival", "unknown arrival process '" + clip_for_message(text) + "' (" + arrival_forms + ")");
}

std::string to_string(const ArrivalProcess& process) {
    switch (process.kind) {
        case ArrivalKind::poisson:
            return "poisson";
        case ArrivalKind::uniform:
            return "uniform";
        case ArrivalKind::gamma:
            return "gamma:" + format_double(process.cv, 6);
    }
    return "poisson";
}

void validate_qps(double qps) {
    if (std::isnan(qps) || qps <= 0) {
        throw UsageError("--qps", "bad value '" + format_double(qps) + "' (expected a rate > 0 requests/s, or inf)");
    }
}

double parse_qps(std::string_view text) {
    const std::string t = to_lower(trim(text));
    if (t == "inf" || t == "infinity") return std::numeric_limits<double>::infinity();
    const auto v = parse_double(t);
    if (!v || *v <= 0) {
        throw UsageError("--qps", "bad value '" + std::string(text) + "' (expected a rate > 0 requests/s, or inf)");
    }
    return *v;
}

std::vector<int64_t> generate_arrivals(const ArrivalProcess& process, double qps, int64_t count, Rng& rng) {
    validate_qps(qps);
    LLMSIM_ASSERT(count >= 0, "negative request count");
    std::vector<int64_t> out(static_cast<size_t>(count), 0);
    if (std::isinf(qps) || count == 0) return out;
    const double mean_gap_ns = 1e9 / qps;
    const double shape = process.kind == ArrivalKind::gamma ? 1.0 / (process.cv * process.cv) : 1.0;
    // Accumulate in double ns and round each time, so rounding never drifts the rate.
    double t_ns = 0;
    for (int64_t i = 0; i < count; ++i) {
        if (i > 0) {
            switch (process.kind) {
                case ArrivalKind::poisson:
                    t_ns += rng.exponential(1.0) * mean_gap_ns;
                    break;
                case ArrivalKind::gamma:
                    t_ns += rng.gamma(shape, mean_gap_ns / shape);
                    break;
                case ArrivalKind::uniform:
                    t_ns = static_cast<double>(i) * mean_gap_ns;
                    break;
            }
        }
        if (t_ns > 9.2e18) throw UsageError("--qps", "arrivals overflow the simulated clock (qps too low)");
        out[static_cast<size_t>(i)] = std::llround(t_ns);
    }
    return out;
}

}  // namespace llmsim::traces
