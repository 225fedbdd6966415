#include "hardware/efficiency_curve.hpp"

#include <algorithm>
#include <cmath>

#include "common/error.hpp"
#include "common/strings.hpp"

namespace llmsim::hardware {

EfficiencyCurve::EfficiencyCurve(double constant) {
    LLMSIM_ASSERT(constant > 0 && constant <= 1.0, "efficiency must be in (0, 1]");
    log2_size_ = {0.0};
    efficiency_ = {constant};
}

EfficiencyCurve::EfficiencyCurve(const std::vector<std::pair<double, double>>& points) {
    for (const auto& [size, eff] : points) {
        LLMSIM_ASSERT(size > 0, "curve sizes must be positive");
        LLMSIM_ASSERT(eff > 0 && eff <= 1.0, "efficiency must be in (0, 1]");
        const double l = std::log2(size);
        LLMSIM_ASSERT(log2_size_.empty() || l > log2_size_.back(), "curve sizes must increase");
        log2_size_.push_back(l);
        efficiency_.push_back(eff);
    }
}

double EfficiencyCurve::at(double size) const {
    LLMSIM_ASSERT(!efficiency_.empty(), "efficiency curve has no points");
    if (efficiency_.size() == 1 || size <= 0) return efficiency_.front();
    const double l = std::log2(size);
    if (l <= log2_size_.front()) return efficiency_.front();
    if (l >= log2_size_.back()) return efficiency_.back();
    const auto it = std::upper_bound(log2_size_.begin(), log2_size_.end(), l);
    const size_t hi = static_cast<size_t>(it - log2_size_.begin());
    const size_t lo = hi - 1;
    const double f = (l - log2_size_[lo]) / (log2_size_[hi] - log2_size_[lo]);
    return efficiency_[lo] + f * (efficiency_[hi] - efficiency_[lo]);
}

std::vector<std::pair<double, double>> EfficiencyCurve::points() const {
    std::vector<std::pair<double, double>> out;
    for (size_t i = 0; i < efficiency_.size(); ++i)
        out.emplace_back(std::exp2(log2_size_[i]), efficiency_[i]);
    return out;
}

EfficiencyCurve EfficiencyCurve::scaled(double factor) const {
    EfficiencyCurve c = *this;
    for (double& e : c.efficiency_)
        e = std::clamp(e * factor, 1e-4, 1.0);
    return c;
}

EfficiencyCurve EfficiencyCurve::from_json(const Json& j, const std::string& where) {
    if (j.is_number()) {
        const double v = j.get<double>();
        if (!(v > 0 && v <= 1.0)) throw InputError(where, "efficiency " + j.dump() + " out of range (expected (0, 1])");
        return EfficiencyCurve(v);
    }
    if (!j.is_array() || j.empty()) {
        throw InputError(where, "expected a list of [size, efficiency] pairs or a single efficiency in (0, 1]");
    }
    std::vector<std::pair<double, double>> pts;
    double prev = 0;
    for (size_t i = 0; i < j.size(); ++i) {
        const Json& p = j[i];
        const std::string at = where + "/" + std::to_string(i);
        if (!p.is_array() || p.size() != 2 || !p[0].is_number() || !p[1].is_number()) {
            throw InputError(at, "expected [size, efficiency], got " + p.dump());
        }
        const double size = p[0].get<double>();
        const double eff = p[1].get<double>();
        if (!(size > prev)) throw InputError(at, "sizes must be positive and increasing, got " + p[0].dump());
        if (!(eff > 0 && eff <= 1.0)) throw InputError(at, "efficiency " + p[1].dump() + " out of range (0, 1]");
        prev = size;
        pts.emplace_back(size, eff);
    }
    return EfficiencyCurve(pts);
}

Json EfficiencyCurve::to_json() const {
    Json out = Json::array();
    for (const auto& [size, eff] : points()) {
        // Sizes and efficiencies rounded to 4 significant digits: enough for the fit, small files. (Significant
        // digits, not decimals: a CPU reaches a small fraction of a generic base's ceilings.)
        const double rounded_size = std::stod(format_double(size, 4));
        out.push_back(Json::array({rounded_size, std::stod(format_double(eff, 4))}));
    }
    return out;
}

}  // namespace llmsim::hardware
