#include "tools/bench/kernels_command.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <thread>

#include "common/atomic_file.hpp"
#include "common/error.hpp"
#include "common/strings.hpp"
#include "models/presets.hpp"
#include "tools/bench/cpu/cpu_case_runner.hpp"
#include "tools/bench/gpu_case_runner.hpp"
#include "tools/bench/host_device.hpp"
#include "tools/bench/kernel_plan.hpp"
#include "tools/bench/transformer/tiny_llama.hpp"

namespace llmsim::bench {
namespace {

using Clock = std::chrono::steady_clock;

std::vector<DType> parse_dtypes(const std::string& text, const std::vector<DType>& allowed) {
    std::vector<DType> out;
    for (auto part : split(text, ',')) {
        const DType t = parse_dtype(std::string(trim(part)), "--dtypes");
        if (std::find(allowed.begin(), allowed.end(), t) == allowed.end()) {
            std::vector<std::string> names;
            for (DType a : allowed)
                names.emplace_back(dtype_name(a));
            throw UsageError("--dtypes",
                             "this backend times " + join(names, ", ") + ", not " + std::string(dtype_name(t)));
        }
        if (std::find(out.begin(), out.end(), t) == out.end()) out.push_back(t);
    }
    if (out.empty()) throw UsageError("--dtypes", "expected a comma-separated list of dtypes");
    return out;
}

// Prints a progress line at most every few seconds (a full sweep takes minutes).
class Progress {
  public:
    explicit Progress(bool quiet) : quiet_(quiet), last_(Clock::now()) {}
    void operator()(size_t done, size_t total, const hardware::Measurement& m) {
        if (quiet_) return;
        const auto now = Clock::now();
        if (done != total && std::chrono::duration<double>(now - last_).count() < 5.0) return;
        last_ = now;
        std::cerr << fmt::format("bench kernels: {}/{} ({} {} {} {:.1f} us)\n", done, total, m.tag, m.op_name,
                                 dtype_name(m.dtype), m.time_ns_median * 1e-3);
    }

  private:
    bool quiet_;
    Clock::time_point last_;
};

void print_summary(const std::vector<hardware::Measurement>& rows, const KernelsArgs& a, double seconds) {
    double best_gemm = 0;
    double best_gemm_low = 0;
    double dram_copy = 0;
    double biggest_copy = 0;
    for (const auto& r : rows) {
        const double rate = r.flops / r.time_ns_median;  // GFLOP/s
        if (r.op_class == OpClass::gemm) {
            double& best = r.dtype == DType::fp32 || r.dtype == DType::fp16 ? best_gemm : best_gemm_low;
            best = std::max(best, rate);
        }
        if (r.op_name == "copy" && r.bytes >= biggest_copy) {
            biggest_copy = r.bytes;
            dram_copy = r.bytes / r.time_ns_median;
        }
    }
    std::cout << fmt::format("bench kernels: {} measurements on {} ({} backend) in {:.1f} s -> {}\n", rows.size(),
                             rows.empty() ? std::string("?") : rows.front().device, a.backend, seconds, a.out);
    std::cout << fmt::format("  best GEMM {:.1f} GFLOP/s", best_gemm);
    if (best_gemm_low > 0) std::cout << fmt::format(", lower precision {:.1f} GFLOP/s", best_gemm_low);
    if (dram_copy > 0) std::cout << fmt::format(", copy {:.1f} GB/s at {:.0f} MB", dram_copy, biggest_copy / 1e6);
    std::cout << "\n";
    std::cout << fmt::format("  next: llmsim calibrate --measurements {} --base {} --out PROFILE.json\n", a.out,
                             a.backend == "cpu" ? kHostDeviceId : "<GPU preset id or hardware/base JSON>");
}

}  // namespace

void run_kernels_command(const KernelsArgs& a) {
    if (a.backend != "cpu" && a.backend != "cuda") {
        throw UsageError("--backend", "unknown backend '" + a.backend + "' (expected cpu or cuda)");
    }
    if (a.out.empty()) throw UsageError("--out", "required: where to write the measurement CSV");
    const bool cpu = a.backend == "cpu";
    const int32_t hw = static_cast<int32_t>(std::max(1u, std::thread::hardware_concurrency()));
    if (a.threads < 0 || a.threads > 4096) throw UsageError("--threads", "expected 1..4096 (0: all hardware threads)");
    const int32_t threads = a.threads > 0 ? a.threads : hw;
    if (a.min_time_s < 0 || a.min_time_s > 60) throw UsageError("--min-time", "expected seconds in [0, 60]");

    PlanOptions plan;
    plan.quick = a.quick;
    plan.square_gemms = !a.no_square;
    plan.streaming = !a.no_stream;
    std::vector<std::string> model_ids = a.models;
    if (model_ids.empty()) {
        model_ids = cpu ? std::vector<std::string>{"llama-tiny-15m", "llama-tiny-110m"}
                        : std::vector<std::string>{"llama-2-7b", "llama-3-8b"};
    }
    for (const auto& id : model_ids)
        plan.families.push_back(models::resolve_model(id, "--model"));
    if (cpu) {
        for (const auto& f : plan.families)
            TinyLlama::check_supported(f, "--model");
    }
    plan.gemm_dtypes = cpu ? parse_dtypes(a.dtypes.empty() ? "fp32,bf16" : a.dtypes, {DType::fp32, DType::bf16})
                           : parse_dtypes(a.dtypes.empty() ? "fp16,bf16,fp32,tf32" : a.dtypes,
                                          {DType::fp16, DType::bf16, DType::fp32, DType::tf32});
    if (cpu && plan.gemm_dtypes.front() != DType::fp32) {
        throw UsageError("--dtypes", "the CPU backend's first dtype must be fp32 (the real transformer's)");
    }

    TimingOptions timing;
    timing.warmup = a.quick ? 1 : 2;
    timing.min_repeats = a.quick ? 3 : 5;
    timing.min_time_s = a.min_time_s > 0 ? a.min_time_s : (a.quick ? 0.01 : 0.05);

    const auto start = Clock::now();
    Progress progress(a.quiet);
    std::vector<hardware::Measurement> rows;
    if (cpu) {
        CpuRunOptions opt;
        opt.threads = threads;
        opt.device = a.device.empty() ? "host" : a.device;
        opt.timing = timing;
        const auto cases = plan_cpu_kernels(plan);
        if (!a.quiet) std::cerr << fmt::format("bench kernels: {} cases on {} threads\n", cases.size(), threads);
        rows = run_cpu_cases(cases, plan.families, opt, std::ref(progress));
    } else {
        auto runner = load_cuda_runner(a.cuda_device);
        const auto cases = plan_cuda_kernels(plan, runner->nccl_gpus());
        const std::string label = a.device.empty() ? runner->device_name() : a.device;
        if (!a.quiet) std::cerr << fmt::format("bench kernels: {} cases on {}\n", cases.size(), label);
        rows = run_gpu_cases(cases, plan.families, *runner, label, timing, std::ref(progress));
    }
    write_file_atomic(a.out, hardware::measurements_to_csv(rows), "--out");
    if (!a.quiet) print_summary(rows, a, std::chrono::duration<double>(Clock::now() - start).count());
}

}  // namespace llmsim::bench
