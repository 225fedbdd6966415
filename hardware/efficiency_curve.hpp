#pragma once
// Achieved fraction of a peak as a function of problem size: piecewise linear in log2(size), held flat outside
// the measured range (never extrapolated), values in (0, 1].
#include <utility>
#include <vector>

#include "common/json_io.hpp"

namespace llmsim::hardware {

class EfficiencyCurve {
  public:
    EfficiencyCurve() = default;
    explicit EfficiencyCurve(double constant);
    // Points (size, efficiency); sizes must be > 0 and strictly increasing.
    explicit EfficiencyCurve(const std::vector<std::pair<double, double>>& points);

    [[nodiscard]] double at(double size) const;
    [[nodiscard]] bool empty() const { return log2_size_.empty(); }
    [[nodiscard]] std::vector<std::pair<double, double>> points() const;
    [[nodiscard]] EfficiencyCurve scaled(double factor) const;  // multiplies, clamps to 1

    // JSON: [[size, efficiency], ...]; throws InputError naming `where` on bad points.
    static EfficiencyCurve from_json(const Json& j, const std::string& where);
    [[nodiscard]] Json to_json() const;

  private:
    std::vector<double> log2_size_;
    std::vector<double> efficiency_;
};

}  // namespace llmsim::hardware
