#pragma once
// One registry shape for every kind of policy (schedulers, routers, KV managers, preemption, pipeline schedules):
// a row per policy with its name, description, factory and parameter table (name, default, help). The CLI help,
// `llmsim list`, spec parsing ("NAME[:k=v,...]") and config validation all read the table, so a policy's defaults
// are stated once, in its row, and a new policy is one file plus one row.
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.hpp"
#include "common/nearest.hpp"

namespace llmsim {

struct ParamInfo {
    std::string name;
    std::string default_value;  // as the user would type it; empty: required
    std::string help;
};

template <typename Factory>
struct PolicyInfo {
    std::string name;
    std::string description;
    Factory factory;
    std::vector<ParamInfo> params;      // NAME:k=v parameters
    std::vector<std::string> settings;  // `run` settings (flags) the policy reads
};

// A parsed "NAME[:k=v,...]" with every parameter present (defaults filled in) and typed accessors whose errors name
// `where` and the parameter.
class PolicySpec {
  public:
    PolicySpec(std::string name, std::map<std::string, std::string> params, std::string where);
    [[nodiscard]] const std::string& name() const { return name_; }
    [[nodiscard]] const std::string& text(const std::string& key) const;
    [[nodiscard]] double number(const std::string& key, double lo, double hi) const;
    [[nodiscard]] int64_t integer(const std::string& key, int64_t lo, int64_t hi) const;
    [[nodiscard]] const std::map<std::string, std::string>& params() const { return params_; }
    // Canonical text: name and every parameter, sorted ("name:a=1,b=2"; just "name" without parameters).
    [[nodiscard]] std::string canonical() const;

  private:
    std::string name_;
    std::map<std::string, std::string> params_;
    std::string where_;
};

namespace detail {
// Splits and validates "NAME[:k=v,...]" against `params` (unknown or repeated keys and missing required values are
// UsageErrors at `where`).
PolicySpec parse_policy_spec(std::string_view text, const std::string& where, const std::string& name,
                             const std::vector<ParamInfo>& params);
std::string spec_name(std::string_view text);
}  // namespace detail

template <typename Info>
class Registry {
  public:
    Registry(std::string kind, std::vector<Info> rows) : kind_(std::move(kind)), rows_(std::move(rows)) {}

    [[nodiscard]] const std::string& kind() const { return kind_; }
    [[nodiscard]] const std::vector<Info>& rows() const { return rows_; }
    [[nodiscard]] std::vector<std::string> names() const {
        std::vector<std::string> out;
        for (const auto& r : rows_)
            out.push_back(r.name);
        return out;
    }
    [[nodiscard]] const Info* find(std::string_view name) const {
        for (const auto& r : rows_) {
            if (r.name == name) return &r;
        }
        return nullptr;
    }
    // The row named `name`; an unknown name is a UsageError at `where` listing the valid ones.
    [[nodiscard]] const Info& get(std::string_view name, const std::string& where) const {
        if (const Info* r = find(name)) return *r;
        throw UsageError(where, unknown_name_message(kind_, std::string(name), names()));
    }
    // "NAME[:k=v,...]" validated against the row's parameter table.
    [[nodiscard]] PolicySpec parse(std::string_view text, const std::string& where) const {
        const Info& row = get(detail::spec_name(text), where);
        return detail::parse_policy_spec(text, where, row.name, row.params);
    }

  private:
    std::string kind_;
    std::vector<Info> rows_;
};

}  // namespace llmsim
