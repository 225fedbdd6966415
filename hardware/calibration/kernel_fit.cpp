#include "hardware/calibration/kernel_fit.hpp"

#include <algorithm>
#include <cmath>

#include "common/error.hpp"
#include "hardware/cost_model.hpp"

namespace llmsim::hardware {
namespace {

double median_of(std::vector<double> v) {
    LLMSIM_ASSERT(!v.empty(), "median of nothing");
    std::sort(v.begin(), v.end());
    const size_t n = v.size();
    return n % 2 == 1 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

double peak_for(const DeviceSpec& d, DType t) {
    auto it = d.peak_flops_per_s.find(t);
    if (it != d.peak_flops_per_s.end()) return it->second;
    auto fp32 = d.peak_flops_per_s.find(DType::fp32);
    return fp32 != d.peak_flops_per_s.end() ? fp32->second : d.peak_flops_per_s.begin()->second;
}

// Pool-adjacent-violators: non-decreasing fit of values with weights.
std::vector<double> isotonic(const std::vector<double>& values, const std::vector<double>& weights) {
    struct Block {
        double sum;
        double weight;
        size_t count;
    };
    std::vector<Block> blocks;
    for (size_t i = 0; i < values.size(); ++i) {
        blocks.push_back({values[i] * weights[i], weights[i], 1});
        while (blocks.size() > 1) {
            const Block& b = blocks.back();
            const Block& a = blocks[blocks.size() - 2];
            if (a.sum / a.weight <= b.sum / b.weight) break;
            Block merged{a.sum + b.sum, a.weight + b.weight, a.count + b.count};
            blocks.pop_back();
            blocks.back() = merged;
        }
    }
    std::vector<double> out;
    for (const auto& b : blocks)
        out.insert(out.end(), b.count, b.sum / b.weight);
    return out;
}

}  // namespace

FitStats error_stats(const std::vector<double>& predicted_ns, const std::vector<double>& measured_ns) {
    FitStats s;
    s.points = predicted_ns.size();
    if (s.points == 0) return s;
    std::vector<double> err;
    err.reserve(s.points);
    for (size_t i = 0; i < s.points; ++i)
        err.push_back(std::fabs(predicted_ns[i] - measured_ns[i]) / measured_ns[i]);
    std::sort(err.begin(), err.end());
    s.median_error = median_of(err);
    s.p90_error = err[std::min(err.size() - 1, static_cast<size_t>(0.9 * static_cast<double>(err.size())))];
    s.max_error = err.back();
    return s;
}

EfficiencyCurve isotonic_curve(std::vector<std::pair<double, double>> samples, size_t min_per_bin) {
    LLMSIM_ASSERT(!samples.empty(), "no samples for curve");
    std::sort(samples.begin(), samples.end());
    // Half-octave bins; a bin with too few samples is merged into the next so medians are not single points.
    std::vector<std::vector<std::pair<double, double>>> bins;
    std::vector<std::pair<double, double>> current;
    double bin_start = std::floor(std::log2(samples.front().first) * 2) / 2;
    for (const auto& s : samples) {
        const double l = std::log2(s.first);
        if (l >= bin_start + 0.5 && current.size() >= min_per_bin) {
            bins.push_back(std::move(current));
            current.clear();
            bin_start = std::floor(l * 2) / 2;
        }
        current.push_back(s);
    }
    if (!current.empty()) {
        if (current.size() < min_per_bin && !bins.empty()) {
            bins.back().insert(bins.back().end(), current.begin(), current.end());
        } else {
            bins.push_back(std::move(current));
        }
    }
    std::vector<double> log_size;
    std::vector<double> value;
    std::vector<double> weight;
    for (const auto& b : bins) {
        std::vector<double> ls;
        std::vector<double> es;
        for (const auto& [size, eff] : b) {
            ls.push_back(std::log2(size));
            es.push_back(eff);
        }
        log_size.push_back(median_of(ls));
        value.push_back(median_of(es));
        weight.push_back(static_cast<double>(b.size()));
    }
    const std::vector<double> fitted = isotonic(value, weight);
    std::vector<std::pair<double, double>> pts;
    for (size_t i = 0; i < fitted.size(); ++i) {
        const double eff = std::clamp(fitted[i], 1e-4, 1.0);
        // Keep only knots where the value changes (plus both ends) so files stay small.
        const bool same_as_prev = !pts.empty() && std::fabs(pts.back().second - eff) < 1e-6;
        const bool last = i + 1 == fitted.size();
        if (same_as_prev && !last) continue;
        if (!pts.empty() && std::log2(pts.back().first) >= log_size[i] - 1e-9) continue;
        pts.emplace_back(std::exp2(log_size[i]), eff);
    }
    return EfficiencyCurve(pts);
}

double predict_kernel_ns(const KernelProfile& profile, const std::map<DType, double>& dtype_scale,
                         const DeviceSpec& device, const Measurement& m) {
    double scale = 1.0;
    if (auto it = dtype_scale.find(m.dtype); it != dtype_scale.end()) scale = it->second;
    return CostModel::roofline_ns(profile, peak_for(device, m.dtype) * scale, device.memory_bandwidth_bytes_per_s,
                                  m.flops, m.bytes, m.rows);
}

KernelFit fit_kernel_profile(const std::vector<const Measurement*>& rows, const DeviceSpec& device,
                             const std::string& group) {
    if (rows.size() < kMinPointsPerKernelFit) {
        throw InputError("op class '" + group + "'", "has " + std::to_string(rows.size()) +
                                                         " measurements; fitting needs at least " +
                                                         std::to_string(kMinPointsPerKernelFit));
    }
    const OpClass cls = rows.front()->op_class;
    const KernelProfile fallback = default_kernel_profile(cls);
    const double bw = device.memory_bandwidth_bytes_per_s;

    // The dtype with the most rows defines the compute curve; others get a scale factor.
    std::map<DType, size_t> dtype_count;
    for (const auto* r : rows)
        dtype_count[r->dtype]++;
    const DType primary = std::max_element(dtype_count.begin(), dtype_count.end(), [](auto& a, auto& b) {
                              return a.second < b.second;
                          })->first;

    double min_time = rows.front()->time_ns_median;
    for (const auto* r : rows)
        min_time = std::min(min_time, r->time_ns_median);

    double max_rows = 1;
    double min_time_per_row = INFINITY;
    for (const auto* r : rows) {
        max_rows = std::max(max_rows, r->rows);
        min_time_per_row = std::min(min_time_per_row, r->time_ns_median / r->rows);
    }
    // Candidate per-row costs: none, or fractions of the largest one every row allows.
    std::vector<double> row_costs{0.0};
    if (max_rows > 1) {
        for (double f : {0.05, 0.1, 0.2, 0.35, 0.5, 0.7, 0.9})
            row_costs.push_back(f * min_time_per_row);
    }

    KernelFit best;
    double best_score = INFINITY;
    constexpr int kOverheadSteps = 16;
    for (double row_cost : row_costs) {
        for (int step = 0; step < kOverheadSteps; ++step) {
            const double overhead = min_time * 0.95 * step / (kOverheadSteps - 1);
            KernelProfile prof = fallback;
            prof.overhead_ns = static_cast<int64_t>(std::llround(overhead));
            prof.row_overhead_ns = row_cost;
            std::map<DType, double> scale;
            auto busy_of = [&](const Measurement& r) {
                const double fixed = overhead + row_cost * r.rows;
                return std::max(r.time_ns_median - fixed, 0.02 * r.time_ns_median) * 1e-9;
            };
            // Start from "bound at ideal peaks", then re-classify with the fitted curves.
            std::vector<bool> compute_bound(rows.size());
            for (size_t i = 0; i < rows.size(); ++i) {
                compute_bound[i] = rows[i]->flops / peak_for(device, rows[i]->dtype) > rows[i]->bytes / bw;
            }
            for (int iter = 0; iter < 5; ++iter) {
                std::vector<std::pair<double, double>> comp;
                std::vector<std::pair<double, double>> mem;
                for (size_t i = 0; i < rows.size(); ++i) {
                    const Measurement& r = *rows[i];
                    const double busy_s = busy_of(r);
                    if (compute_bound[i] && r.flops > 0 && r.dtype == primary) {
                        comp.emplace_back(r.flops_per_row(),
                                          std::min(1.0, r.flops / (peak_for(device, r.dtype) * busy_s)));
                    } else if (!compute_bound[i] && r.bytes > 0) {
                        mem.emplace_back(r.bytes, std::min(1.0, r.bytes / (bw * busy_s)));
                    }
                }
                if (!comp.empty()) prof.compute_by_flops_per_row = isotonic_curve(comp);
                if (!mem.empty()) prof.memory_by_bytes = isotonic_curve(mem);
                // Scale for secondary dtypes: median ratio of implied to curve efficiency.
                scale.clear();
                for (const auto& [t, count] : dtype_count) {
                    if (t == primary) continue;
                    std::vector<double> ratios;
                    for (size_t i = 0; i < rows.size(); ++i) {
                        const Measurement& r = *rows[i];
                        if (r.dtype != t || !compute_bound[i] || r.flops <= 0) continue;
                        ratios.push_back(r.flops / (peak_for(device, t) * busy_of(r)) /
                                         prof.compute_by_flops_per_row.at(r.flops_per_row()));
                    }
                    if (!ratios.empty()) scale[t] = std::clamp(median_of(ratios), 0.05, 2.0);
                }
                for (size_t i = 0; i < rows.size(); ++i) {
                    const Measurement& r = *rows[i];
                    double s = 1.0;
                    if (auto it = scale.find(r.dtype); it != scale.end()) s = it->second;
                    const double c = r.flops > 0 ? r.flops / (peak_for(device, r.dtype) * s *
                                                              prof.compute_by_flops_per_row.at(r.flops_per_row()))
                                                 : 0.0;
                    const double mtime = r.bytes > 0 ? r.bytes / (bw * prof.memory_by_bytes.at(r.bytes)) : 0.0;
                    compute_bound[i] = c >= mtime;
                }
            }
            std::vector<double> pred;
            std::vector<double> meas;
            double score = 0;
            for (const auto* r : rows) {
                const double p = predict_kernel_ns(prof, scale, device, *r);
                pred.push_back(p);
                meas.push_back(r->time_ns_median);
                score += std::fabs(std::log(p / r->time_ns_median));
            }
            if (score < best_score) {
                best_score = score;
                best.profile = prof;
                best.dtype_scale = scale;
                best.stats = error_stats(pred, meas);
            }
        }
    }
    return best;
}

}  // namespace llmsim::hardware
