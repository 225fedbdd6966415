#pragma once
// Small numeric helpers shared by the statistics derivation and the built-in workload sampler.
#include <cstddef>
#include <cstdint>
#include <vector>

namespace llmsim::traces {

// Standard normal CDF and its inverse (p in (0, 1); accurate to ~1e-15 after one refinement step).
double normal_cdf(double z);
double normal_quantile(double p);

// Linearly interpolated quantile of ascending `sorted` data (the "type 7" definition numpy uses); p in [0, 1].
double sorted_quantile(const std::vector<double>& sorted, double p);

// Quantile tables use the grid p_i = 1 - (1 - i/(n-1))^2, i = 0..n-1: evenly spaced in s = i/(n-1) but dense in
// the upper tail, where heavy-tailed token counts need it (with an even grid the band between p99.5 and the
// maximum alone can shift the mean by 9 %; with this grid every shipped table reproduces its mean within 0.4 %).
inline constexpr const char* quantile_grid_description = "p_i = 1 - (1 - i/(n-1))^2 for i = 0..n-1";
double quantile_grid_probability(size_t i, size_t n);
// Value of such a table at probability u in [0, 1], linear in u between grid points.
double interpolate_quantile_table(const std::vector<double>& table, double u);

// Gaussian-copula correlation of paired samples: Pearson correlation of the normal scores
// Phi^-1((rank - 0.5) / n), with tied values sharing their average rank. 0 when either side is constant.
double gaussian_copula_correlation(const std::vector<double>& x, const std::vector<double>& y);

}  // namespace llmsim::traces
