// The fitter on synthetic measurements generated from known parameters: it recovers them (curves, fixed overhead,
// collective latency and bus efficiency) well enough to predict unseen sizes, and never extrapolates.
#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

#include "common/error.hpp"
#include "hardware/calibration/calibrate.hpp"
#include "hardware/calibration/collective_fit.hpp"
#include "hardware/calibration/kernel_fit.hpp"
#include "hardware/cost_model.hpp"
#include "tests/support/test_support.hpp"
#include "tools/bench/host_device.hpp"

namespace {

using llmsim::DType;
using llmsim::OpClass;
using llmsim::hardware::CostModel;
using llmsim::hardware::EfficiencyCurve;
using llmsim::hardware::KernelProfile;
using llmsim::hardware::Measurement;

KernelProfile truth() {
    KernelProfile p;
    p.compute_by_flops_per_row = EfficiencyCurve({{1e6, 0.0005}, {1e8, 0.002}, {1e10, 0.003}});
    p.memory_by_bytes = EfficiencyCurve({{1e4, 0.0004}, {1e6, 0.0015}, {1e8, 0.002}});
    p.overhead_ns = 3000;
    return p;
}

Measurement gemm_row(const llmsim::hardware::DeviceSpec& dev, const KernelProfile& p, double flops, double bytes) {
    Measurement m;
    m.op_class = OpClass::gemm;
    m.op_name = "gemm";
    m.dtype = DType::fp32;
    m.flops = flops;
    m.bytes = bytes;
    m.time_ns_median =
        CostModel::roofline_ns(p, dev.peak(DType::fp32), dev.memory_bandwidth_bytes_per_s, flops, bytes, 1);
    m.time_ns_min = m.time_ns_median;
    return m;
}

}  // namespace

TEST_CASE("calibration: Kernel fit recovers a known roofline profile", "[calibration]") {
    const auto dev = llmsim::bench::host_device_spec();
    const KernelProfile p = truth();
    std::vector<Measurement> rows;
    // Memory-bound (few FLOPs per byte) and compute-bound (many) launches over four decades of size.
    for (int i = 0; i <= 24; ++i) {
        const double s = std::pow(10.0, 4.0 + 4.0 * i / 24.0);
        rows.push_back(gemm_row(dev, p, 0.05 * s, s));
        rows.push_back(gemm_row(dev, p, 500.0 * s, s / 10.0));
    }
    std::vector<const Measurement*> ptrs;
    for (const auto& r : rows)
        ptrs.push_back(&r);
    const auto fit = llmsim::hardware::fit_kernel_profile(ptrs, dev, "gemm");
    CHECK(fit.stats.median_error < 0.03);
    CHECK(fit.stats.p90_error < 0.10);
    // (A fixed overhead and a curve rising at small sizes explain the same times, so the overhead itself is only
    // identifiable where the curves are flat: next test.)
    // Unseen sizes between the measured ones.
    std::vector<double> err;
    for (double s : {3e4, 2e5, 7e6}) {
        for (auto [f, b] : {std::pair{0.05 * s, s}, std::pair{500.0 * s, s / 10.0}}) {
            const Measurement m = gemm_row(dev, p, f, b);
            err.push_back(llmsim::test::rel_error(
                llmsim::hardware::predict_kernel_ns(fit.profile, fit.dtype_scale, dev, m), m.time_ns_median));
        }
    }
    CHECK(llmsim::test::median(err) < 0.05);
    // Flat outside the data: a size 100x beyond the largest measured one is priced at the last efficiency.
    const double last = fit.profile.compute_by_flops_per_row.points().back().second;
    CHECK(fit.profile.compute_by_flops_per_row.at(1e15) == Approx(last));
    for (const auto& [size, eff] : fit.profile.memory_by_bytes.points())
        CHECK(eff <= 1.0);
}

TEST_CASE("calibration: Kernel fit recovers constant efficiencies and the overhead where they are identifiable",
          "[calibration]") {
    const auto dev = llmsim::bench::host_device_spec();
    KernelProfile p;
    p.compute_by_flops_per_row = EfficiencyCurve(0.003);
    p.memory_by_bytes = EfficiencyCurve(0.002);
    p.overhead_ns = 3000;
    std::vector<Measurement> rows;
    for (int i = 0; i <= 20; ++i) {
        const double s = std::pow(10.0, 5.0 + 4.0 * i / 20.0);
        rows.push_back(gemm_row(dev, p, 0.05 * s, s));
        rows.push_back(gemm_row(dev, p, 500.0 * s, s / 10.0));
    }
    std::vector<const Measurement*> ptrs;
    for (const auto& r : rows)
        ptrs.push_back(&r);
    const auto fit = llmsim::hardware::fit_kernel_profile(ptrs, dev, "gemm");
    CHECK(fit.stats.median_error < 0.02);
    // Large launches are dominated by the efficiencies, which come back within a few percent.
    CHECK(fit.profile.compute_by_flops_per_row.at(1e12) == Approx(0.003).epsilon(0.05));
    CHECK(fit.profile.memory_by_bytes.at(1e9) == Approx(0.002).epsilon(0.05));
    CHECK(static_cast<double>(fit.profile.overhead_ns) == Approx(3000).epsilon(0.3));
}

TEST_CASE("calibration: Kernel fit with per-row costs predicts attention-like kernels", "[calibration]") {
    const auto dev = llmsim::bench::host_device_spec();
    KernelProfile p = truth();
    p.overhead_ns = 1000;
    p.row_overhead_ns = 40;
    std::vector<Measurement> rows;
    for (double r : {1.0, 4.0, 16.0, 64.0, 256.0, 1024.0}) {
        for (double per_row : {1e4, 1e5, 1e6}) {
            Measurement m = gemm_row(dev, p, per_row * r, per_row * r / 4);
            m.op_class = OpClass::attn_decode;
            m.rows = r;
            m.time_ns_median =
                CostModel::roofline_ns(p, dev.peak(DType::fp32), dev.memory_bandwidth_bytes_per_s, m.flops, m.bytes, r);
            rows.push_back(m);
        }
    }
    std::vector<const Measurement*> ptrs;
    for (const auto& r : rows)
        ptrs.push_back(&r);
    const auto fit = llmsim::hardware::fit_kernel_profile(ptrs, dev, "attn_decode");
    CHECK(fit.stats.median_error < 0.10);
    CHECK(fit.profile.row_overhead_ns > 0);
}

TEST_CASE("calibration: Too few points to fit a class is an error naming the class and the count needed",
          "[calibration]") {
    const auto dev = llmsim::bench::host_device_spec();
    std::vector<Measurement> rows(2, gemm_row(dev, truth(), 1e8, 1e6));
    std::vector<const Measurement*> ptrs = {&rows[0], &rows[1]};
    try {
        (void)llmsim::hardware::fit_kernel_profile(ptrs, dev, "attn_prefill");
        FAIL("expected an InputError");
    } catch (const llmsim::InputError& e) {
        const std::string msg = e.what();
        CHECK(msg.find("attn_prefill") != std::string::npos);
        CHECK(msg.find("has 2") != std::string::npos);
        CHECK(msg.find("at least 4") != std::string::npos);
    }
}

TEST_CASE("calibration: Collective fit recovers latency and bus efficiency", "[calibration]") {
    auto dev = llmsim::bench::host_device_spec();
    dev.intra_node.bandwidth_bytes_per_s = 300e9;
    llmsim::hardware::CollectiveProfile p;
    p.gpus = 8;
    p.latency_ns = 12000;
    p.bus_efficiency_by_bytes = EfficiencyCurve({{1e5, 0.1}, {1e7, 0.6}, {1e9, 0.85}});
    std::vector<Measurement> rows;
    for (int i = 0; i <= 20; ++i) {
        Measurement m;
        m.op_class = OpClass::collective;
        m.op_name = "all_reduce";
        m.group_size = 8;
        m.gpus_per_node = 8;
        m.bytes = std::pow(2.0, 10 + i);
        m.time_ns_median =
            llmsim::hardware::predict_collective_ns(p, llmsim::CollectiveKind::all_reduce, dev.intra_node, m.bytes);
        rows.push_back(m);
    }
    std::vector<const Measurement*> ptrs;
    for (const auto& r : rows)
        ptrs.push_back(&r);
    const auto fits = llmsim::hardware::fit_collectives(ptrs, dev);
    REQUIRE(fits.size() == 1);
    CHECK(std::abs(static_cast<double>(fits[0].profile.latency_ns) - 12000.0) < 0.2 * 12000.0);
    CHECK(fits[0].stats.median_error < 0.05);
    const double big = llmsim::hardware::predict_collective_ns(fits[0].profile, llmsim::CollectiveKind::all_reduce,
                                                               dev.intra_node, 5e8);
    CHECK(llmsim::test::rel_error(big, llmsim::hardware::predict_collective_ns(p, llmsim::CollectiveKind::all_reduce,
                                                                               dev.intra_node, 5e8)) < 0.05);
}

TEST_CASE("calibration: Host-link copies calibrate the host link and not a kernel class", "[calibration]") {
    const auto base = llmsim::bench::host_device_spec();
    std::vector<Measurement> rows;
    for (int i = 0; i <= 12; ++i) {
        Measurement m;
        m.op_class = OpClass::elementwise;
        m.op_name = "memcpy_h2d";
        m.dtype = DType::fp16;
        m.bytes = std::pow(4.0, 5 + i);
        m.time_ns_median = 8000 + m.bytes / 25e9 * 1e9;  // 8 us + 25 GB/s
        rows.push_back(m);
    }
    const auto result = llmsim::hardware::calibrate(base, rows, {});
    CHECK(result.device.host.latency_ns == Approx(8000).epsilon(0.1));
    CHECK(result.device.host.bandwidth_bytes_per_s == Approx(25e9).epsilon(0.05));
    CHECK(result.device.kernels.count("elementwise") == 0);
    bool reported = false;
    for (const auto& g : result.groups)
        reported = reported || g.group == "host_link";
    CHECK(reported);
}
