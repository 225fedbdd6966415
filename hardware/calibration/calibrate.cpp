#include "hardware/calibration/calibrate.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <set>

#include "common/error.hpp"
#include "hardware/calibration/collective_fit.hpp"
#include "hardware/cost_model.hpp"

namespace llmsim::hardware {
namespace {

constexpr size_t kMinNamedPoints = 8;  // op-name overrides need more data than class curves

// Deterministic pseudo-random in [0, 1) from row content, so a hold-out split is stable across runs.
double row_hash01(const Measurement& m) {
    const std::string key = m.op_name + "|" + m.tag + "|" + std::to_string(m.flops) + "|" + std::to_string(m.bytes) +
                            "|" + std::to_string(m.group_size) + "|" + std::to_string(m.gpus_per_node);
    const uint64_t h = std::hash<std::string>{}(key)*0x9E3779B97F4A7C15ULL;
    return static_cast<double>(h >> 11) * 0x1.0p-53;
}

FitStats stats_for(const DeviceSpec& device, const std::vector<const Measurement*>& rows) {
    std::vector<double> pred;
    std::vector<double> meas;
    for (const auto* r : rows) {
        pred.push_back(predict_measurement_ns(device, *r));
        meas.push_back(r->time_ns_median);
    }
    return error_stats(pred, meas);
}

// Scales the transferred curves of a class so they pass through the few measurements this device has.
void anchor(KernelProfile& prof, const std::vector<const Measurement*>& rows, const DeviceSpec& device,
            double* memory_ratio_out) {
    std::vector<double> compute_ratios;
    std::vector<double> memory_ratios;
    for (const auto* r : rows) {
        const double peak = device.peak_flops_per_s.count(r->dtype) ? device.peak_flops_per_s.at(r->dtype)
                                                                    : device.peak_flops_per_s.begin()->second;
        const double busy_s =
            std::max(r->time_ns_median - static_cast<double>(prof.overhead_ns), 0.05 * r->time_ns_median) * 1e-9;
        const double c = r->flops > 0 ? r->flops / (peak * prof.compute_by_flops_per_row.at(r->flops_per_row())) : 0.0;
        const double mtime =
            r->bytes > 0 ? r->bytes / (device.memory_bandwidth_bytes_per_s * prof.memory_by_bytes.at(r->bytes)) : 0.0;
        if (c >= mtime && r->flops > 0) {
            compute_ratios.push_back(r->flops / (peak * busy_s) / prof.compute_by_flops_per_row.at(r->flops_per_row()));
        } else if (r->bytes > 0) {
            memory_ratios.push_back(r->bytes / (device.memory_bandwidth_bytes_per_s * busy_s) /
                                    prof.memory_by_bytes.at(r->bytes));
        }
    }
    auto med = [](std::vector<double> v) {
        std::sort(v.begin(), v.end());
        return v[v.size() / 2];
    };
    if (!compute_ratios.empty())
        prof.compute_by_flops_per_row = prof.compute_by_flops_per_row.scaled(med(compute_ratios));
    if (!memory_ratios.empty()) {
        const double ratio = med(memory_ratios);
        prof.memory_by_bytes = prof.memory_by_bytes.scaled(ratio);
        if (memory_ratio_out != nullptr) *memory_ratio_out = ratio;
    }
}

// Host<->device copies (the CUDA backend's memcpy_h2d/memcpy_d2h rows) calibrate the host link, not a kernel class.
bool is_host_copy(const Measurement& m) {
    return m.op_name == "memcpy_h2d" || m.op_name == "memcpy_d2h";
}

// Alpha-beta fit of the host link: latency from the smallest copies, bandwidth from the largest.
void fit_host_link(Link& link, std::vector<const Measurement*> rows) {
    if (rows.size() < kMinPointsPerKernelFit) return;
    std::sort(rows.begin(), rows.end(), [](auto* a, auto* b) { return a->bytes < b->bytes; });
    const size_t third = std::max<size_t>(1, rows.size() / 3);
    std::vector<double> small;
    for (size_t i = 0; i < third; ++i)
        small.push_back(rows[i]->time_ns_median);
    std::sort(small.begin(), small.end());
    const double latency = small[small.size() / 2];
    std::vector<double> bw;
    for (size_t i = rows.size() - third; i < rows.size(); ++i) {
        bw.push_back(rows[i]->bytes / (std::max(rows[i]->time_ns_median - latency, 1.0) * 1e-9));
    }
    std::sort(bw.begin(), bw.end());
    link.latency_ns = static_cast<int64_t>(std::llround(latency));
    link.bandwidth_bytes_per_s = bw[bw.size() / 2];
}

std::string collective_group_name(CollectiveKind kind, int32_t gpus, bool inter) {
    return fmt::format("{} x{} {}", collective_name(kind), gpus, inter ? "inter-node" : "intra-node");
}

}  // namespace

double predict_measurement_ns(const DeviceSpec& device, const Measurement& m) {
    if (is_host_copy(m) && device.host.bandwidth_bytes_per_s > 0) {
        return static_cast<double>(device.host.latency_ns) + m.bytes / device.host.bandwidth_bytes_per_s * 1e9;
    }
    const CostModel model(device);
    if (m.is_collective()) {
        const auto kind = collective_from_name(m.op_name).value_or(CollectiveKind::all_reduce);
        return model.collective(kind, m.bytes, m.group_size, m.inter_node()).time_ns;
    }
    return model.kernel(m.op_class, m.op_name, m.dtype, m.flops, m.bytes, 1, m.rows).time_ns;
}

CalibrationResult calibrate(const DeviceSpec& base, const std::vector<Measurement>& rows,
                            const CalibrationOptions& options) {
    const std::set<std::string> holdout_tags(options.holdout_tags.begin(), options.holdout_tags.end());
    std::vector<const Measurement*> fit_rows;
    std::vector<const Measurement*> held_rows;
    for (const auto& r : rows) {
        const bool held = holdout_tags.count(r.tag) > 0 || row_hash01(r) < options.holdout_fraction;
        (held ? held_rows : fit_rows).push_back(&r);
    }

    CalibrationResult result;
    DeviceSpec& dev = result.device;
    dev = base;
    dev.kernels.clear();
    dev.dtype_compute_scale.clear();
    dev.intra_node_collectives.clear();
    dev.inter_node_collectives.clear();
    std::map<std::string, std::string> method;

    // Kernel classes.
    std::map<OpClass, std::vector<const Measurement*>> by_class;
    std::map<std::string, std::vector<const Measurement*>> by_name;
    std::vector<const Measurement*> collectives;
    std::vector<const Measurement*> host_copies;
    for (const auto* r : fit_rows) {
        if (is_host_copy(*r)) {
            host_copies.push_back(r);
            continue;
        }
        if (r->is_collective()) {
            collectives.push_back(r);
            continue;
        }
        by_class[r->op_class].push_back(r);
        if (r->op_class == OpClass::elementwise || r->op_class == OpClass::embedding) by_name[r->op_name].push_back(r);
    }
    double memory_anchor = 1.0;
    bool have_memory_anchor = false;
    for (OpClass c : kAllOpClasses) {
        if (c == OpClass::collective) continue;
        const std::string name(op_class_name(c));
        const auto& members = by_class[c];
        if (members.size() >= kMinPointsPerKernelFit) {
            KernelFit fit = fit_kernel_profile(members, dev, name);
            dev.kernels[name] = fit.profile;
            for (const auto& [t, s] : fit.dtype_scale)
                dev.dtype_compute_scale[t] = s;
            method[name] = "fitted";
        } else if (options.transfer_from && options.transfer_from->kernels.count(name)) {
            KernelProfile prof = options.transfer_from->kernels.at(name);
            method[name] = "transferred";
            if (!members.empty()) {
                double ratio = 1.0;
                anchor(prof, members, dev, &ratio);
                if (c == OpClass::elementwise && ratio != 1.0) {
                    memory_anchor = ratio;
                    have_memory_anchor = true;
                }
                method[name] = "anchored";
            }
            dev.kernels[name] = prof;
        } else if (!members.empty()) {
            // Too few to fit and nothing to transfer from: refuse rather than invent a curve.
            throw InputError("op class '" + name + "'",
                             "has " + std::to_string(members.size()) + " measurements; fitting needs at least " +
                                 std::to_string(kMinPointsPerKernelFit) +
                                 " (measure more sizes, or give --transfer-from a calibrated profile to anchor to)");
        }
    }
    // Bandwidth efficiency is a property of the memory system: a device-level memory anchor applies to every
    // transferred class.
    if (have_memory_anchor) {
        for (auto& [name, prof] : dev.kernels) {
            if (method[name] == "transferred") {
                prof.memory_by_bytes = prof.memory_by_bytes.scaled(memory_anchor);
                method[name] = "transferred+memory-anchor";
            }
        }
    }
    if (options.transfer_from) {
        for (const auto& [t, s] : options.transfer_from->dtype_compute_scale)
            dev.dtype_compute_scale.emplace(t, s);
    }
    // Op-name overrides for element-wise kernels (different kernels reach very different bandwidth).
    for (const auto& [name, members] : by_name) {
        if (op_class_from_name(name) || name.empty()) continue;
        if (members.size() >= kMinNamedPoints) {
            dev.kernels[name] = fit_kernel_profile(members, dev, name).profile;
            method[name] = "fitted";
        }
    }
    if (options.transfer_from) {
        for (const auto& [name, prof] : options.transfer_from->kernels) {
            if (dev.kernels.count(name) == 0 && !op_class_from_name(name)) {
                dev.kernels[name] = prof;
                if (have_memory_anchor) dev.kernels[name].memory_by_bytes = prof.memory_by_bytes.scaled(memory_anchor);
                method[name] = "transferred";
            }
        }
    }

    if (host_copies.size() >= kMinPointsPerKernelFit) {
        fit_host_link(dev.host, host_copies);
        method["host_link"] = "fitted";
    }

    // Collectives.
    for (const auto& fit : fit_collectives(collectives, dev)) {
        auto& table = fit.inter_node ? dev.inter_node_collectives : dev.intra_node_collectives;
        table[fit.kind].push_back(fit.profile);
        method[collective_group_name(fit.kind, fit.profile.gpus, fit.inter_node)] = "fitted";
    }
    if (options.transfer_from) {
        auto merge = [&](const auto& from, auto& to, bool inter) {
            for (const auto& [kind, profiles] : from) {
                for (const auto& p : profiles) {
                    auto& list = to[kind];
                    const bool have = std::any_of(list.begin(), list.end(), [&](auto& q) { return q.gpus == p.gpus; });
                    if (!have) {
                        list.push_back(p);
                        method[collective_group_name(kind, p.gpus, inter)] = "transferred";
                    }
                }
            }
        };
        merge(options.transfer_from->intra_node_collectives, dev.intra_node_collectives, false);
        merge(options.transfer_from->inter_node_collectives, dev.inter_node_collectives, true);
    }
    for (auto* table : {&dev.intra_node_collectives, &dev.inter_node_collectives}) {
        for (auto& [kind, list] : *table) {
            std::sort(list.begin(), list.end(), [](auto& a, auto& b) { return a.gpus < b.gpus; });
        }
    }

    // Report: per class, per op name and per collective group, in-sample and held-out, with the final profile.
    auto group_of = [](const Measurement& m) -> std::vector<std::string> {
        if (is_host_copy(m)) return {"host_link"};
        if (m.is_collective()) {
            const auto kind = collective_from_name(m.op_name).value_or(CollectiveKind::all_reduce);
            return {collective_group_name(kind, m.group_size, m.inter_node())};
        }
        std::vector<std::string> g{std::string(op_class_name(m.op_class))};
        if (!m.op_name.empty() && m.op_name != g.front())
            g.push_back(std::string(op_class_name(m.op_class)) + "/" + m.op_name);
        return g;
    };
    std::map<std::string, std::pair<std::vector<const Measurement*>, std::vector<const Measurement*>>> groups;
    for (const auto* r : fit_rows) {
        for (const auto& g : group_of(*r))
            groups[g].first.push_back(r);
    }
    for (const auto* r : held_rows) {
        for (const auto& g : group_of(*r))
            groups[g].second.push_back(r);
    }
    for (const auto& [name, sets] : groups) {
        GroupReport g;
        g.group = name;
        const std::string key = name.find('/') != std::string::npos ? name.substr(name.find('/') + 1) : name;
        g.method = method.count(key) ? method[key] : (method.count(name) ? method[name] : "class curve");
        g.in_sample = stats_for(dev, sets.first);
        g.held_out = stats_for(dev, sets.second);
        result.groups.push_back(g);
    }

    CalibrationInfo info;
    info.source = options.source;
    info.command = options.command;
    // Provenance of the kernel curves: fitted or anchored classes rest on this device's measurements.
    {
        int own = 0, borrowed = 0;
        for (OpClass c : kAllOpClasses) {
            if (c == OpClass::collective) continue;
            const auto it = method.find(std::string(op_class_name(c)));
            if (it == method.end()) continue;
            (it->second == "fitted" || it->second == "anchored" ? own : borrowed) += 1;
        }
        info.provenance = own == 0 ? (borrowed == 0 ? Provenance::default_curves : Provenance::transferred)
                                   : (borrowed == 0 ? Provenance::measured : Provenance::partly_measured);
    }
    Json report = Json::object();
    for (const auto& g : result.groups) {
        report[g.group] = {{"method", g.method},
                           {"points", g.in_sample.points},
                           {"median_error", std::round(g.in_sample.median_error * 1e4) / 1e4},
                           {"held_out_points", g.held_out.points},
                           {"held_out_median_error", std::round(g.held_out.median_error * 1e4) / 1e4}};
    }
    info.report = report;
    dev.calibration = info;
    return result;
}

std::string calibration_report_markdown(const CalibrationResult& result) {
    std::string out = fmt::format("# Calibration report: {}\n\n", result.device.id);
    if (result.device.calibration) out += "Source: " + result.device.calibration->source + "\n\n";
    out += "| group | method | points | median err | p90 err | held-out points | held-out median | held-out p90 |\n";
    out += "|---|---|---:|---:|---:|---:|---:|---:|\n";
    for (const auto& g : result.groups) {
        auto pct = [](double v, size_t n) { return n == 0 ? std::string("-") : fmt::format("{:.1f}%", v * 100); };
        out +=
            fmt::format("| {} | {} | {} | {} | {} | {} | {} | {} |\n", g.group, g.method, g.in_sample.points,
                        pct(g.in_sample.median_error, g.in_sample.points),
                        pct(g.in_sample.p90_error, g.in_sample.points), g.held_out.points,
                        pct(g.held_out.median_error, g.held_out.points), pct(g.held_out.p90_error, g.held_out.points));
    }
    return out;
}

}  // namespace llmsim::hardware
