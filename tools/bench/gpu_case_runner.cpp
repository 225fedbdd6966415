#include "tools/bench/gpu_case_runner.hpp"

#include <dlfcn.h>
#include <unistd.h>

#include <array>
#include <cstdlib>
#include <filesystem>

#include "common/error.hpp"
#include "tools/bench/cuda/cuda_bench_api.h"

namespace llmsim::bench {
namespace {

constexpr const char* kPluginName = "libllmsim_bench_cuda.so";

std::string unavailable_hint() {
    return "; the CUDA backend needs llmsim built where CMake finds the CUDA toolkit (it then builds " +
           std::string(kPluginName) + " next to the binary) and a machine with an NVIDIA GPU and driver";
}

// The plugin's entry points, resolved once.
struct PluginApi {
    void* handle = nullptr;
    decltype(&llmsim_cuda_abi_version) abi_version = nullptr;
    decltype(&llmsim_cuda_device_count) device_count = nullptr;
    decltype(&llmsim_cuda_open) open = nullptr;
    decltype(&llmsim_cuda_close) close = nullptr;
    decltype(&llmsim_cuda_describe) describe = nullptr;
    decltype(&llmsim_cuda_gemm) gemm = nullptr;
    decltype(&llmsim_cuda_memcpy) memcpy = nullptr;
    decltype(&llmsim_cuda_decode_attention) decode_attention = nullptr;
    decltype(&llmsim_cuda_all_reduce) all_reduce = nullptr;
};

template <typename F>
void resolve(PluginApi& api, F& fn, const char* name) {
    fn = reinterpret_cast<F>(dlsym(api.handle, name));
    if (fn == nullptr) {
        throw UsageError("--backend", std::string("CUDA plugin lacks ") + name + " (built from another llmsim?)");
    }
}

std::vector<std::string> plugin_candidates() {
    std::vector<std::string> out;
    if (const char* env = std::getenv("LLMSIM_CUDA_PLUGIN"); env != nullptr && *env != '\0') out.emplace_back(env);
    std::error_code ec;
    const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (!ec) {
        out.push_back((exe.parent_path() / kPluginName).string());
        out.push_back((exe.parent_path() / ".." / "lib" / kPluginName).string());
    }
    out.emplace_back(kPluginName);  // the dynamic loader's search path
    return out;
}

PluginApi load_plugin() {
    PluginApi api;
    std::string errors;
    for (const auto& path : plugin_candidates()) {
        const bool is_path = path.find('/') != std::string::npos;
        if (is_path && !std::filesystem::exists(path)) continue;
        api.handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
        if (api.handle != nullptr) break;
        const char* e = dlerror();
        errors += (errors.empty() ? "" : "; ") + std::string(e != nullptr ? e : path);
    }
    if (api.handle == nullptr) {
        throw UsageError("--backend", "cuda: cannot load " + std::string(kPluginName) +
                                          (errors.empty() ? std::string(" (not found)") : " (" + errors + ")") +
                                          unavailable_hint());
    }
    resolve(api, api.abi_version, "llmsim_cuda_abi_version");
    if (api.abi_version() != LLMSIM_CUDA_BENCH_ABI) {
        throw UsageError("--backend", "CUDA plugin ABI " + std::to_string(api.abi_version()) + ", this llmsim needs " +
                                          std::to_string(LLMSIM_CUDA_BENCH_ABI) + " (rebuild both together)");
    }
    resolve(api, api.device_count, "llmsim_cuda_device_count");
    resolve(api, api.open, "llmsim_cuda_open");
    resolve(api, api.close, "llmsim_cuda_close");
    resolve(api, api.describe, "llmsim_cuda_describe");
    resolve(api, api.gemm, "llmsim_cuda_gemm");
    resolve(api, api.memcpy, "llmsim_cuda_memcpy");
    resolve(api, api.decode_attention, "llmsim_cuda_decode_attention");
    resolve(api, api.all_reduce, "llmsim_cuda_all_reduce");
    return api;
}

LlmsimCudaTimingOptions to_c(const TimingOptions& o) {
    return {o.warmup, o.min_repeats, o.max_repeats, o.min_time_s};
}

class CudaPluginRunner final : public GpuKernelRunner {
  public:
    CudaPluginRunner(PluginApi api, int32_t device) : api_(api) {
        std::array<char, 512> err{};
        int32_t count = 0;
        if (api_.device_count(&count, err.data(), err.size()) != 0) {
            throw UsageError("--backend", "cuda: " + std::string(err.data()) +
                                              " (the CUDA backend needs an NVIDIA GPU and a driver matching the CUDA "
                                              "toolkit llmsim was built with)");
        }
        if (device < 0 || device >= count) {
            throw UsageError("--cuda-device", "device " + std::to_string(device) + " out of range (" +
                                                  std::to_string(count) + " CUDA devices visible)");
        }
        if (api_.open(device, &bench_, err.data(), err.size()) != 0) {
            throw UsageError("--backend", "cuda: " + std::string(err.data()));
        }
        std::array<char, 256> name{};
        api_.describe(bench_, name.data(), name.size(), &nccl_gpus_);
        name_ = name.data();
    }
    ~CudaPluginRunner() override { api_.close(bench_); }
    CudaPluginRunner(const CudaPluginRunner&) = delete;
    CudaPluginRunner& operator=(const CudaPluginRunner&) = delete;

    [[nodiscard]] std::string device_name() const override { return name_; }
    [[nodiscard]] int32_t nccl_gpus() const override { return nccl_gpus_; }

    TimingResult gemm(int64_t m, int64_t n, int64_t k, DType dtype, const TimingOptions& opt) override {
        int32_t t = LLMSIM_CUDA_FP16;
        switch (dtype) {
            case DType::fp32:
                t = LLMSIM_CUDA_FP32;
                break;
            case DType::tf32:
                t = LLMSIM_CUDA_TF32;
                break;
            case DType::fp16:
                t = LLMSIM_CUDA_FP16;
                break;
            case DType::bf16:
                t = LLMSIM_CUDA_BF16;
                break;
            default:
                throw UsageError("--dtypes", "the CUDA backend times fp32, tf32, fp16 and bf16 GEMMs");
        }
        return call(
            "GEMM", [&](auto* o, auto* r, char* e, size_t n_e) { return api_.gemm(bench_, m, n, k, t, o, r, e, n_e); },
            opt);
    }
    TimingResult copy(CopyKind kind, int64_t bytes, const TimingOptions& opt) override {
        const int32_t k = kind == CopyKind::h2d   ? LLMSIM_CUDA_H2D
                          : kind == CopyKind::d2h ? LLMSIM_CUDA_D2H
                                                  : LLMSIM_CUDA_D2D;
        return call(
            "memcpy",
            [&](auto* o, auto* r, char* e, size_t n_e) { return api_.memcpy(bench_, k, bytes, o, r, e, n_e); }, opt);
    }
    TimingResult decode_attention(int32_t seqs, int32_t context, int32_t heads, int32_t kv_heads, int32_t head_dim,
                                  const TimingOptions& opt) override {
        return call(
            "decode attention",
            [&](auto* o, auto* r, char* e, size_t n_e) {
                return api_.decode_attention(bench_, seqs, context, heads, kv_heads, head_dim, o, r, e, n_e);
            },
            opt);
    }
    TimingResult all_reduce(int32_t gpus, int64_t bytes, const TimingOptions& opt) override {
        return call(
            "all-reduce",
            [&](auto* o, auto* r, char* e, size_t n_e) { return api_.all_reduce(bench_, gpus, bytes, o, r, e, n_e); },
            opt);
    }

  private:
    template <typename F>
    TimingResult call(const char* what, F&& fn, const TimingOptions& opt) {
        const LlmsimCudaTimingOptions o = to_c(opt);
        LlmsimCudaTiming r{};
        std::array<char, 512> err{};
        if (fn(&o, &r, err.data(), err.size()) != 0) {
            throw InputError("cuda " + std::string(what), std::string(err.data()));
        }
        return {r.median_ns, r.min_ns, r.repeats};
    }

    PluginApi api_;
    LlmsimCudaBench* bench_ = nullptr;
    std::string name_;
    int32_t nccl_gpus_ = 0;
};

}  // namespace

std::unique_ptr<GpuKernelRunner> load_cuda_runner(int32_t device) {
    return std::make_unique<CudaPluginRunner>(load_plugin(), device);
}

std::vector<hardware::Measurement> run_gpu_cases(const std::vector<KernelCase>& cases,
                                                 const std::vector<models::ModelSpec>& families,
                                                 GpuKernelRunner& runner, const std::string& device,
                                                 const TimingOptions& timing, const CaseProgress& progress) {
    std::vector<hardware::Measurement> rows;
    rows.reserve(cases.size());
    for (size_t i = 0; i < cases.size(); ++i) {
        const KernelCase& c = cases[i];
        hardware::Measurement m = c.row;
        m.device = device;
        m.backend = "cuda";
        m.threads = 0;
        TimingResult t;
        switch (c.kind) {
            case CaseKind::model_op:
            case CaseKind::square_gemm:
                if (c.row.op_class == OpClass::gemm) {
                    t = runner.gemm(c.row.m, c.row.n, c.row.k, c.row.dtype, timing);
                } else if (c.row.op_class == OpClass::attn_decode) {
                    const auto& f = families[static_cast<size_t>(c.family)];
                    t = runner.decode_attention(static_cast<int32_t>(c.seqs), static_cast<int32_t>(c.context),
                                                f.num_heads, f.num_kv_heads, f.head_dim, timing);
                } else {
                    LLMSIM_ASSERT(false, "no CUDA kernel for op " + c.row.op_name);
                }
                break;
            case CaseKind::memcpy_h2d:
                t = runner.copy(CopyKind::h2d, static_cast<int64_t>(c.row.bytes), timing);
                break;
            case CaseKind::memcpy_d2h:
                t = runner.copy(CopyKind::d2h, static_cast<int64_t>(c.row.bytes), timing);
                break;
            case CaseKind::memcpy_d2d:
                t = runner.copy(CopyKind::d2d, static_cast<int64_t>(c.row.bytes / 2), timing);
                break;
            case CaseKind::all_reduce:
                t = runner.all_reduce(c.row.group_size, static_cast<int64_t>(c.row.bytes), timing);
                break;
            case CaseKind::stream_copy:
            case CaseKind::stream_triad:
                LLMSIM_ASSERT(false, "streaming cases run on the CPU backend");
        }
        m.time_ns_median = t.median_ns;
        m.time_ns_min = t.min_ns;
        m.repeats = t.repeats;
        rows.push_back(std::move(m));
        if (progress) progress(i + 1, cases.size(), rows.back());
    }
    return rows;
}

}  // namespace llmsim::bench
