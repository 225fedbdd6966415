#include "traces/builtin_workloads.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "common/embedded_data.hpp"
#include "common/error.hpp"
#include "common/nearest.hpp"
#include "traces/stats_math.hpp"

namespace llmsim::traces {
namespace {

LengthDistribution parse_lengths(const Json& j, const std::string& where) {
    JsonObjectReader r(j, where);
    LengthDistribution d;
    d.mean = r.get_number("mean");
    d.median = r.get_number("median");
    d.p90 = r.get_number("p90");
    d.p99 = r.get_number("p99");
    d.max = r.get_int("max");
    const Json& q = r.get("quantiles");
    if (!q.is_array() || q.size() < 2) throw InputError(r.where("quantiles"), "expected an array of >= 2 numbers");
    for (const Json& v : q) {
        if (!v.is_number() || v.get<double>() < 0) {
            throw InputError(r.where("quantiles"), "bad value '" + v.dump() + "' (expected non-negative numbers)");
        }
        if (!d.quantiles.empty() && v.get<double>() < d.quantiles.back()) {
            throw InputError(r.where("quantiles"), "values must be non-decreasing");
        }
        d.quantiles.push_back(v.get<double>());
    }
    r.finish();
    return d;
}

int32_t to_tokens(double v) {
    const double rounded = std::round(v);
    if (rounded < 1) return 1;
    return static_cast<int32_t>(std::min(rounded, static_cast<double>(std::numeric_limits<int32_t>::max())));
}

}  // namespace

BuiltinWorkload parse_builtin_workload(const Json& j, const std::string& where) {
    JsonObjectReader r(j, where);
    BuiltinWorkload w;
    w.name = r.get_string("name");
    w.description = r.get_string("description");
    {
        JsonObjectReader s(r.get("source"), r.where("source"));
        w.source_file = s.get_string("file");
        w.source_format = s.get_string("format");
        w.upstream = s.get_string("upstream");
        w.licence = s.get_string("licence");
        w.citation = s.opt_string("citation").value_or("");
        s.finish();
    }
    r.allow({"derivation"});
    w.requests = r.get_int("requests");
    w.has_timestamps = r.opt_bool("has_timestamps").value_or(false);
    if (w.has_timestamps) {
        w.span_s = r.get_number("span_s");
        w.mean_rate_per_s = r.get_number("mean_rate_per_s");
        w.interarrival_cv = r.get_number("interarrival_cv");
        if (!(w.mean_rate_per_s > 0)) throw InputError(r.where("mean_rate_per_s"), "expected a positive rate");
    }
    w.prompt = parse_lengths(r.get("prompt_tokens"), r.where("prompt_tokens"));
    w.output = parse_lengths(r.get("output_tokens"), r.where("output_tokens"));
    if (r.get_string("quantile_grid") != quantile_grid_description) {
        throw InputError(r.where("quantile_grid"),
                         std::string("unsupported grid (expected '") + quantile_grid_description + "')");
    }
    w.rank_correlation = r.get_number("rank_correlation");
    if (!(w.rank_correlation >= -1 && w.rank_correlation <= 1)) {
        throw InputError(r.where("rank_correlation"), "expected a correlation in [-1, 1]");
    }
    r.finish();
    return w;
}

const std::vector<BuiltinWorkload>& builtin_workloads() {
    static const std::vector<BuiltinWorkload> all = [] {
        std::vector<BuiltinWorkload> out;
        for (const auto& f : embedded_files_under("traces/builtin/")) {
            const std::string where(f.path);
            try {
                out.push_back(parse_builtin_workload(parse_json_text(std::string(f.text), where), where));
            } catch (const Error& e) {
                // Shipped data is part of the build: a bad file is our bug, not the user's.
                throw InternalError(where, std::string("bad built-in workload file: ") + e.what());
            }
        }
        std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
        return out;
    }();
    return all;
}

std::vector<NamedDescription> list_builtin_workloads() {
    std::vector<NamedDescription> out;
    for (const auto& w : builtin_workloads())
        out.push_back({w.name, w.description});
    return out;
}

const BuiltinWorkload& find_builtin_workload(std::string_view name, const std::string& where) {
    std::vector<std::string> names;
    for (const auto& w : builtin_workloads()) {
        if (w.name == name) return w;
        names.push_back(w.name);
    }
    throw UsageError(where, unknown_name_message("built-in workload", name, names));
}

std::pair<int32_t, int32_t> sample_builtin_lengths(const BuiltinWorkload& w, Rng& rng) {
    const double rho = w.rank_correlation;
    const double z1 = rng.normal();
    const double z2 = rho * z1 + std::sqrt(std::max(0.0, 1.0 - rho * rho)) * rng.normal();
    const double u1 = normal_cdf(z1);
    const double u2 = normal_cdf(z2);
    return {to_tokens(interpolate_quantile_table(w.prompt.quantiles, u1)),
            to_tokens(interpolate_quantile_table(w.output.quantiles, u2))};
}

}  // namespace llmsim::traces
