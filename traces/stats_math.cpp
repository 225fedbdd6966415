#include "traces/stats_math.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <numeric>

#include "common/error.hpp"

namespace llmsim::traces {
namespace {

// Normal scores of average ranks (ties share the mean of their ranks).
std::vector<double> normal_scores(const std::vector<double>& v) {
    const size_t n = v.size();
    std::vector<size_t> order(n);
    std::iota(order.begin(), order.end(), size_t{0});
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return v[a] < v[b]; });
    std::vector<double> scores(n);
    size_t i = 0;
    while (i < n) {
        size_t j = i;
        while (j + 1 < n && v[order[j + 1]] == v[order[i]])
            ++j;
        const double avg_rank = 0.5 * static_cast<double>(i + j) + 1.0;  // 1-based
        const double z = normal_quantile((avg_rank - 0.5) / static_cast<double>(n));
        for (size_t k = i; k <= j; ++k)
            scores[order[k]] = z;
        i = j + 1;
    }
    return scores;
}

}  // namespace

double normal_cdf(double z) {
    return 0.5 * std::erfc(-z / std::sqrt(2.0));
}

double normal_quantile(double p) {
    LLMSIM_ASSERT(p > 0.0 && p < 1.0, "normal_quantile needs p in (0, 1)");
    // Rational approximation (P. J. Acklam), relative error < 1.2e-9, then one Halley step on the exact CDF.
    static constexpr double a[] = {-3.969683028665376e+01, 2.209460984245205e+02,  -2.759285104469687e+02,
                                   1.383577518672690e+02,  -3.066479806614716e+01, 2.506628277459239e+00};
    static constexpr double b[] = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                                   6.680131188771972e+01, -1.328068155288572e+01};
    static constexpr double c[] = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                                   -2.549732539343734e+00, 4.374664141464968e+00,  2.938163982698783e+00};
    static constexpr double d[] = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
                                   3.754408661907416e+00};
    constexpr double p_low = 0.02425;
    double x = 0;
    if (p < p_low) {
        const double q = std::sqrt(-2 * std::log(p));
        x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
            ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    } else if (p <= 1 - p_low) {
        const double q = p - 0.5;
        const double r = q * q;
        x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
            (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
    } else {
        const double q = std::sqrt(-2 * std::log1p(-p));
        x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
            ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    }
    const double e = normal_cdf(x) - p;
    const double u = e * std::sqrt(2 * std::numbers::pi) * std::exp(x * x / 2);
    return x - u / (1 + x * u / 2);
}

double sorted_quantile(const std::vector<double>& sorted, double p) {
    LLMSIM_ASSERT(!sorted.empty(), "quantile of no data");
    const double h = std::clamp(p, 0.0, 1.0) * static_cast<double>(sorted.size() - 1);
    const auto lo = static_cast<size_t>(std::floor(h));
    const size_t hi = std::min(lo + 1, sorted.size() - 1);
    return sorted[lo] + (h - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
}

double quantile_grid_probability(size_t i, size_t n) {
    LLMSIM_ASSERT(n >= 2 && i < n, "quantile grid index out of range");
    if (i == n - 1) return 1.0;
    const double rest = 1.0 - static_cast<double>(i) / static_cast<double>(n - 1);
    return 1.0 - rest * rest;
}

double interpolate_quantile_table(const std::vector<double>& table, double u) {
    LLMSIM_ASSERT(table.size() >= 2, "quantile table needs two points");
    const size_t n = table.size();
    u = std::clamp(u, 0.0, 1.0);
    // Invert the grid to find the band, then interpolate linearly in probability within it.
    const double s = 1.0 - std::sqrt(1.0 - u);
    size_t i = std::min(static_cast<size_t>(s * static_cast<double>(n - 1)), n - 2);
    while (i > 0 && quantile_grid_probability(i, n) > u)
        --i;
    while (i + 2 < n && quantile_grid_probability(i + 1, n) <= u)
        ++i;
    const double p0 = quantile_grid_probability(i, n);
    const double p1 = quantile_grid_probability(i + 1, n);
    const double f = p1 > p0 ? (u - p0) / (p1 - p0) : 0.0;
    return table[i] + std::clamp(f, 0.0, 1.0) * (table[i + 1] - table[i]);
}

double gaussian_copula_correlation(const std::vector<double>& x, const std::vector<double>& y) {
    LLMSIM_ASSERT(x.size() == y.size(), "paired samples differ in length");
    if (x.size() < 2) return 0.0;
    const auto zx = normal_scores(x);
    const auto zy = normal_scores(y);
    const double n = static_cast<double>(x.size());
    const double mx = std::accumulate(zx.begin(), zx.end(), 0.0) / n;
    const double my = std::accumulate(zy.begin(), zy.end(), 0.0) / n;
    double sxy = 0, sxx = 0, syy = 0;
    for (size_t i = 0; i < zx.size(); ++i) {
        sxy += (zx[i] - mx) * (zy[i] - my);
        sxx += (zx[i] - mx) * (zx[i] - mx);
        syy += (zy[i] - my) * (zy[i] - my);
    }
    if (sxx <= 0 || syy <= 0) return 0.0;
    return sxy / std::sqrt(sxx * syy);
}

}  // namespace llmsim::traces
