#include "tools/plan/plan_slo.hpp"

#include <fmt/format.h>

#include "common/error.hpp"

namespace llmsim::tools {
namespace {

constexpr const char* kTtft = "TTFT";
constexpr const char* kTpot = "TPOT";
constexpr const char* kAttainment = "SLO attainment";

}  // namespace

std::optional<std::string> slo_violation(const OrderedJson& summary, const PlanSlo& slo) {
    LLMSIM_ASSERT(summary.is_object(), "slo_violation needs a run summary");
    const std::string p = slo.percentile_key();
    const auto check = [&](const std::optional<double>& target, const char* key,
                           const char* name) -> std::optional<std::string> {
        if (!target) return std::nullopt;
        const OrderedJson& v = summary.at(key).at(p);
        // No completed request has the figure (e.g. nothing finished): the target cannot be shown to hold.
        if (!v.is_number() || summary.at("completed").get<int64_t>() == 0) {
            return fmt::format("{} {} undefined (no completed request) > {} ms", p, name, *target);
        }
        const double ms = v.get<double>();
        if (ms > *target) return fmt::format("{} {} {:.1f} ms > {} ms", p, name, ms, *target);
        return std::nullopt;
    };
    if (auto v = check(slo.ttft_ms, "ttft_ms", kTtft)) return v;
    if (auto v = check(slo.tpot_ms, "tpot_ms", kTpot)) return v;
    const OrderedJson& a = summary.at("slo_attainment");
    LLMSIM_ASSERT(a.is_number(), "the run had no SLO targets");
    if (a.get<double>() < slo.attainment) {
        return fmt::format("{} {:.1f}% < {:.1f}%", kAttainment, a.get<double>() * 100, slo.attainment * 100);
    }
    return std::nullopt;
}

std::string slo_flag_of(const std::string& violation) {
    if (violation.find(kTtft) != std::string::npos) return "--slo-ttft-ms";
    if (violation.find(kTpot) != std::string::npos) return "--slo-tpot-ms";
    return "--slo-attainment";
}

}  // namespace llmsim::tools
