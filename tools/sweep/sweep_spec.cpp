#include "tools/sweep/sweep_spec.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "common/error.hpp"
#include "common/nearest.hpp"
#include "common/strings.hpp"
#include "tools/run_config.hpp"

namespace llmsim::tools {
namespace {

std::string canonical_key(std::string key) {
    for (char& c : key) {
        if (c == '_') c = '-';
    }
    return key;
}

// Validates a setting key: known, and one that changes what a run computes.
std::string setting_key(const std::string& raw, const std::string& where) {
    const std::string key = canonical_key(raw);
    std::vector<std::string> valid;
    bool found = false;
    for (const auto& s : run_settings()) {
        if (s.key == "out" || s.key == "chrome-trace" || s.key == "json") continue;
        valid.push_back(s.key);
        found = found || s.key == key;
    }
    if (key == "out" || key == "chrome-trace" || key == "json") {
        throw InputError(where, "'" + raw + "' chooses a single run's output; a sweep stores every run in --db");
    }
    if (!found) throw InputError(where, unknown_name_message("setting", raw, valid));
    return key;
}

// Rounds away binary noise of from + i * step (0.1 + 2 * 0.1 = 0.30000000000000004).
double tidy(double v) {
    return *parse_double(format_double(v, 12));
}

std::vector<Json> expand_range(const Json& r, const std::string& where) {
    JsonObjectReader o(r, where);
    const Json& from = o.get("from");
    const Json& to = o.get("to");
    const Json* step = o.find("step");
    const Json* factor = o.find("factor");
    o.finish();
    if (!from.is_number() || !to.is_number()) throw InputError(where, "'from' and 'to' must be numbers");
    if ((step != nullptr) == (factor != nullptr) && step != nullptr) {
        throw InputError(where, "give 'step' or 'factor', not both");
    }
    const double a = from.get<double>();
    const double b = to.get<double>();
    if (b < a) throw InputError(where + "/to", "must be >= from (" + format_double(a) + "), got " + format_double(b));
    std::vector<Json> out;
    auto push = [&](double v, bool integral) {
        if (static_cast<int64_t>(out.size()) >= kMaxSweepPoints) {
            throw InputError(where, "expands to more than " + std::to_string(kMaxSweepPoints) + " values");
        }
        if (integral) {
            out.emplace_back(static_cast<int64_t>(std::llround(v)));
        } else {
            out.emplace_back(tidy(v));
        }
    };
    if (factor != nullptr) {
        if (!factor->is_number() || factor->get<double>() <= 1) throw InputError(where + "/factor", "must be > 1");
        if (a <= 0) throw InputError(where + "/from", "must be > 0 with a factor");
        const double f = factor->get<double>();
        const bool integral = from.is_number_integer() && factor->is_number_integer();
        for (double v = a; v <= b * (1 + 1e-12); v *= f)
            push(v, integral);
        return out;
    }
    const Json one = 1;
    const Json& s = step != nullptr ? *step : one;
    if (!s.is_number() || s.get<double>() <= 0) throw InputError(where + "/step", "must be a number > 0");
    const bool integral = from.is_number_integer() && s.is_number_integer();
    const double d = s.get<double>();
    for (int64_t i = 0;; ++i) {
        const double v = a + static_cast<double>(i) * d;
        if (v > b + std::abs(d) * 1e-9) break;
        push(v, integral);
    }
    return out;
}

std::vector<Json> axis_values(const Json& v, const std::string& where) {
    std::vector<Json> out;
    if (v.is_array()) {
        for (size_t i = 0; i < v.size(); ++i) {
            const Json& x = v[i];
            if (x.is_object() || x.is_array()) {
                throw InputError(where + "/" + std::to_string(i), "expected a string, number, boolean or null");
            }
            out.push_back(x);
        }
    } else if (v.is_object()) {
        out = expand_range(v, where);
    } else {
        throw InputError(where, "expected a list of values or a range {\"from\", \"to\", \"step\"|\"factor\"}");
    }
    if (out.empty()) throw InputError(where, "empty axis: give at least one value");
    return out;
}

std::vector<SweepAxis> parse_axes(const Json& j, const std::string& where, std::vector<std::string>& seen) {
    if (!j.is_object()) throw InputError(where, "expected an object of setting: values");
    std::vector<SweepAxis> out;
    for (const auto& [raw, values] : j.items()) {
        const std::string w = where + "/" + raw;
        SweepAxis a{setting_key(raw, w), axis_values(values, w)};
        for (const auto& k : seen) {
            if (k == a.key) throw InputError(w, "setting '" + a.key + "' is swept twice");
        }
        seen.push_back(a.key);
        out.push_back(std::move(a));
    }
    std::sort(out.begin(), out.end(), [](const SweepAxis& x, const SweepAxis& y) { return x.key < y.key; });
    return out;
}

}  // namespace

std::string hash_hex(const std::string& text) {
    uint64_t h = 0xcbf29ce484222325ULL;
    for (char c : text) {
        h ^= static_cast<unsigned char>(c);
        h *= 0x100000001b3ULL;
    }
    return fmt::format("{:016x}", h);
}

SweepSpec parse_sweep_spec(const Json& j, const std::string& path) {
    SweepSpec spec;
    spec.path = path;
    JsonObjectReader r(j, path + "#");
    if (auto c = r.opt_string("command")) {
        if (*c != "run") {
            throw InputError(r.where("command"), "'" + *c + "': sweeps run `run` (serving) simulations; expected run");
        }
    }
    spec.name = r.opt_string("name").value_or("");
    if (const Json* base = r.find("base")) {
        if (!base->is_object()) throw InputError(r.where("base"), "expected an object of `run` settings");
        for (const auto& [raw, v] : base->items()) {
            const std::string w = r.where("base") + "/" + raw;
            if (v.is_object() || v.is_array()) throw InputError(w, "expected a string, number, boolean or null");
            spec.base[setting_key(raw, w)] = v;
        }
    }
    std::vector<std::string> seen;
    auto add_axes = [&](const Json& axes, const std::string& where) {
        JsonObjectReader a(axes, where);
        if (const Json* g = a.find("grid")) {
            for (auto& x : parse_axes(*g, a.where("grid"), seen))
                spec.grid.push_back(std::move(x));
        }
        if (const Json* z = a.find("zip")) {
            for (auto& x : parse_axes(*z, a.where("zip"), seen))
                spec.zip.push_back(std::move(x));
        }
        a.finish();
    };
    if (const Json* axes = r.find("axes")) add_axes(*axes, r.where("axes"));
    {
        // The CLI contract's spelling: grid and zip at the top level.
        Json top = Json::object();
        if (const Json* g = r.find("grid")) top["grid"] = *g;
        if (const Json* z = r.find("zip")) top["zip"] = *z;
        if (!top.empty()) add_axes(top, path + "#");
    }
    r.finish();
    std::sort(spec.grid.begin(), spec.grid.end(), [](const SweepAxis& x, const SweepAxis& y) { return x.key < y.key; });
    if (spec.grid.empty() && spec.zip.empty()) {
        throw InputError(path + "#/axes",
                         "empty axes: give \"grid\" or \"zip\" lists of values for at least one setting");
    }
    for (const auto& z : spec.zip) {
        if (z.values.size() != spec.zip.front().values.size()) {
            throw InputError(path + "#/zip/" + z.key, "zipped lists must have equal lengths: " + z.key + " has " +
                                                          std::to_string(z.values.size()) + ", " +
                                                          spec.zip.front().key + " has " +
                                                          std::to_string(spec.zip.front().values.size()));
        }
    }
    double n = spec.zip.empty() ? 1.0 : static_cast<double>(spec.zip.front().values.size());
    for (const auto& g : spec.grid)
        n *= static_cast<double>(g.values.size());
    if (n > static_cast<double>(kMaxSweepPoints)) {
        throw InputError(path + "#/axes",
                         "expands to " + format_double(n) + " runs (at most " + std::to_string(kMaxSweepPoints) + ")");
    }
    spec.spec_hash = hash_hex(spec.canonical_json());
    return spec;
}

SweepSpec load_sweep_spec(const std::string& path) {
    return parse_sweep_spec(load_json_file(path), path);
}

std::vector<std::string> SweepSpec::swept_keys() const {
    std::vector<std::string> keys;
    for (const auto& g : grid)
        keys.push_back(g.key);
    for (const auto& z : zip)
        keys.push_back(z.key);
    return keys;
}

int64_t SweepSpec::points() const {
    int64_t n = zip.empty() ? 1 : static_cast<int64_t>(zip.front().values.size());
    for (const auto& g : grid)
        n *= static_cast<int64_t>(g.values.size());
    return n;
}

Json SweepSpec::point(int64_t index) const {
    LLMSIM_ASSERT(index >= 0 && index < points(), "sweep point out of range");
    Json p = base;
    int64_t rest = index;
    if (!zip.empty()) {
        const auto n = static_cast<int64_t>(zip.front().values.size());
        const auto k = static_cast<size_t>(rest % n);
        for (const auto& z : zip)
            p[z.key] = z.values[k];
        rest /= n;
    }
    for (auto it = grid.rbegin(); it != grid.rend(); ++it) {
        const auto n = static_cast<int64_t>(it->values.size());
        p[it->key] = it->values[static_cast<size_t>(rest % n)];
        rest /= n;
    }
    return p;
}

std::string SweepSpec::point_where(int64_t index) const {
    std::string axes;
    const Json p = point(index);
    for (const auto& k : swept_keys())
        axes += (axes.empty() ? "" : ",") + k + "=" + (p[k].is_string() ? p[k].get<std::string>() : p[k].dump());
    return path + " run " + std::to_string(index) + " (" + axes + ")";
}

std::string SweepSpec::canonical_json() const {
    Json j;
    j["command"] = command;
    j["base"] = base;
    Json g = Json::object(), z = Json::object();
    for (const auto& a : grid)
        g[a.key] = a.values;
    for (const auto& a : zip)
        z[a.key] = a.values;
    j["grid"] = g;
    j["zip"] = z;
    return j.dump();
}

}  // namespace llmsim::tools
