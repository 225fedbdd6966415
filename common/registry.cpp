#include "common/registry.hpp"

#include "common/strings.hpp"

namespace llmsim {

PolicySpec::PolicySpec(std::string name, std::map<std::string, std::string> params, std::string where)
    : name_(std::move(name)), params_(std::move(params)), where_(std::move(where)) {}

const std::string& PolicySpec::text(const std::string& key) const {
    auto it = params_.find(key);
    LLMSIM_ASSERT(it != params_.end(), "policy '" + name_ + "' has no parameter " + key);
    return it->second;
}

double PolicySpec::number(const std::string& key, double lo, double hi) const {
    const std::string& t = text(key);
    const auto v = parse_double(t);
    if (!v || *v < lo || *v > hi) {
        throw UsageError(where_, name_ + ": bad " + key + " '" + t + "' (expected a number in [" +
                                     format_double(lo, 6) + ", " + format_double(hi, 6) + "])");
    }
    return *v;
}

int64_t PolicySpec::integer(const std::string& key, int64_t lo, int64_t hi) const {
    const std::string& t = text(key);
    const auto v = parse_int(t);
    if (!v || *v < lo || *v > hi) {
        throw UsageError(where_, name_ + ": bad " + key + " '" + t + "' (expected a whole number in [" +
                                     std::to_string(lo) + ", " + std::to_string(hi) + "])");
    }
    return *v;
}

std::string PolicySpec::canonical() const {
    std::string out = name_;
    char sep = ':';
    for (const auto& [k, v] : params_) {
        out += sep + k + "=" + v;
        sep = ',';
    }
    return out;
}

namespace detail {

std::string spec_name(std::string_view text) {
    const size_t colon = text.find(':');
    return std::string(trim(colon == std::string_view::npos ? text : text.substr(0, colon)));
}

PolicySpec parse_policy_spec(std::string_view text, const std::string& where, const std::string& name,
                             const std::vector<ParamInfo>& params) {
    std::map<std::string, std::string> values;
    std::vector<std::string> valid;
    for (const auto& p : params)
        valid.push_back(p.name);
    const size_t colon = text.find(':');
    if (colon != std::string_view::npos) {
        const std::string_view rest = text.substr(colon + 1);
        size_t start = 0;
        while (start <= rest.size()) {
            size_t comma = rest.find(',', start);
            if (comma == std::string_view::npos) comma = rest.size();
            const std::string_view item = trim(rest.substr(start, comma - start));
            start = comma + 1;
            const size_t eq = item.find('=');
            if (item.empty() || eq == std::string_view::npos || eq == 0) {
                throw UsageError(where, name + ": bad parameter '" + std::string(item) + "' (expected key=value" +
                                            (valid.empty() ? "; " + name + " takes no parameters" : "") + ")");
            }
            const std::string key(trim(item.substr(0, eq)));
            const std::string value(trim(item.substr(eq + 1)));
            bool known = false;
            for (const auto& p : params)
                known = known || p.name == key;
            if (!known) {
                throw UsageError(where, name + ": " +
                                            (valid.empty() ? "takes no parameters, got '" + key + "'"
                                                           : unknown_name_message("parameter", key, valid)));
            }
            if (value.empty()) throw UsageError(where, name + ": parameter " + key + " has no value");
            if (!values.emplace(key, value).second)
                throw UsageError(where, name + ": parameter " + key + " given twice");
            if (comma == rest.size()) break;
        }
    }
    for (const auto& p : params) {
        if (values.count(p.name) > 0) continue;
        if (p.default_value.empty()) throw UsageError(where, name + ": parameter " + p.name + " is required");
        values[p.name] = p.default_value;
    }
    return PolicySpec(name, std::move(values), where);
}

}  // namespace detail
}  // namespace llmsim
