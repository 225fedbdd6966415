// The CUDA kernel-benchmark plugin (libllmsim_bench_cuda.so): cuBLAS GEMMs, copies in every direction, a decode
// attention kernel and NCCL all-reduce, each timed per call with warm-up and repeats. Built only when CMake finds the
// CUDA toolkit; llmsim loads it with dlopen (tools/bench/gpu_case_runner.cpp), so nothing else links CUDA.
#include <cublas_v2.h>
#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include <algorithm>
#include <chrono>
#include <cstdarg>
#include <cstdio>
#include <vector>

#include "tools/bench/cuda/cuda_bench_api.h"

#ifdef LLMSIM_WITH_NCCL
#include <nccl.h>
#endif

namespace {

void set_error(char* err, size_t len, const char* fmt, ...) {
    if (err == nullptr || len == 0) return;
    va_list args;
    va_start(args, fmt);
    std::vsnprintf(err, len, fmt, args);
    va_end(args);
}

#define LLMSIM_CUDA_TRY(expr)                                                        \
    do {                                                                             \
        const cudaError_t e_ = (expr);                                               \
        if (e_ != cudaSuccess) {                                                     \
            set_error(err, err_len, "%s failed: %s", #expr, cudaGetErrorString(e_)); \
            return 1;                                                                \
        }                                                                            \
    } while (0)

#define LLMSIM_CUBLAS_TRY(expr)                                                                  \
    do {                                                                                         \
        const cublasStatus_t s_ = (expr);                                                        \
        if (s_ != CUBLAS_STATUS_SUCCESS) {                                                       \
            set_error(err, err_len, "%s failed: cuBLAS status %d", #expr, static_cast<int>(s_)); \
            return 1;                                                                            \
        }                                                                                        \
    } while (0)

struct Stats {
    std::vector<double> samples;
    void finish(LlmsimCudaTiming* out) {
        std::sort(samples.begin(), samples.end());
        const size_t n = samples.size();
        out->median_ns = n % 2 == 1 ? samples[n / 2] : 0.5 * (samples[n / 2 - 1] + samples[n / 2]);
        out->min_ns = samples.front();
        out->repeats = static_cast<int32_t>(n);
    }
};

__global__ void decode_attention_kernel(const __half* q, const __half* k_cache, const __half* v_cache, __half* out,
                                        int len, int heads, int kv_heads, int head_dim, float scale) {
    extern __shared__ float scores[];
    __shared__ float reduce[32];
    const int h = blockIdx.x;
    const int seq = blockIdx.y;
    const int kvh = h / (heads / kv_heads);
    const long kv_row = static_cast<long>(kv_heads) * head_dim;
    const __half* qv = q + (static_cast<long>(seq) * heads + h) * head_dim;
    const __half* kb = k_cache + static_cast<long>(seq) * len * kv_row + static_cast<long>(kvh) * head_dim;
    const __half* vb = v_cache + static_cast<long>(seq) * len * kv_row + static_cast<long>(kvh) * head_dim;
    // Scores q . k for every cached position.
    float local_max = -1e30f;
    for (int p = threadIdx.x; p < len; p += blockDim.x) {
        const __half* kr = kb + static_cast<long>(p) * kv_row;
        float s = 0.f;
        for (int d = 0; d < head_dim; ++d)
            s += __half2float(qv[d]) * __half2float(kr[d]);
        s *= scale;
        scores[p] = s;
        local_max = fmaxf(local_max, s);
    }
    // Block max, then exponentials and their sum.
    for (int o = 16; o > 0; o >>= 1)
        local_max = fmaxf(local_max, __shfl_xor_sync(0xffffffffu, local_max, o));
    if ((threadIdx.x & 31) == 0) reduce[threadIdx.x >> 5] = local_max;
    __syncthreads();
    float mx = -1e30f;
    for (int w = 0; w < (blockDim.x + 31) / 32; ++w)
        mx = fmaxf(mx, reduce[w]);
    __syncthreads();
    float local_sum = 0.f;
    for (int p = threadIdx.x; p < len; p += blockDim.x) {
        const float e = __expf(scores[p] - mx);
        scores[p] = e;
        local_sum += e;
    }
    for (int o = 16; o > 0; o >>= 1)
        local_sum += __shfl_xor_sync(0xffffffffu, local_sum, o);
    if ((threadIdx.x & 31) == 0) reduce[threadIdx.x >> 5] = local_sum;
    __syncthreads();
    float sum = 0.f;
    for (int w = 0; w < (blockDim.x + 31) / 32; ++w)
        sum += reduce[w];
    // Weighted sum of values, one output dimension per thread.
    for (int d = threadIdx.x; d < head_dim; d += blockDim.x) {
        float acc = 0.f;
        for (int p = 0; p < len; ++p)
            acc += scores[p] * __half2float(vb[static_cast<long>(p) * kv_row + d]);
        out[(static_cast<long>(seq) * heads + h) * head_dim + d] = __float2half(acc / sum);
    }
}

}  // namespace

struct LlmsimCudaBench {
    int device = 0;
    cudaStream_t stream = nullptr;
    cublasHandle_t blas = nullptr;
    cudaEvent_t start = nullptr;
    cudaEvent_t stop = nullptr;
    char* cold = nullptr;  // rotated through so weights and caches are read from HBM, not L2
    size_t cold_bytes = 0;
    char* hot = nullptr;  // activations
    size_t hot_bytes = 0;
    char* host = nullptr;  // pinned host buffer for H2D/D2H
    size_t host_bytes = 0;
    size_t l2_bytes = 0;
#ifdef LLMSIM_WITH_NCCL
    std::vector<ncclComm_t> comms;
    std::vector<cudaStream_t> comm_streams;
    std::vector<void*> comm_buffers;
    size_t comm_bytes = 0;
#endif
};

namespace {

int32_t ensure(char*& ptr, size_t& have, size_t need, bool pinned_host, char* err, size_t err_len) {
    if (have >= need) return 0;
    if (ptr != nullptr) {
        if (pinned_host) {
            cudaFreeHost(ptr);
        } else {
            cudaFree(ptr);
        }
        ptr = nullptr;
        have = 0;
    }
    if (pinned_host) {
        LLMSIM_CUDA_TRY(cudaMallocHost(reinterpret_cast<void**>(&ptr), need));
    } else {
        LLMSIM_CUDA_TRY(cudaMalloc(reinterpret_cast<void**>(&ptr), need));
        LLMSIM_CUDA_TRY(cudaMemset(ptr, 0, need));  // zeros: finite values for every dtype
    }
    have = need;
    return 0;
}

// Offset of rotation slot `index` for operands of `bytes` in the cold buffer.
size_t cold_slot(const LlmsimCudaBench* b, long index, size_t bytes) {
    const size_t stride = (bytes + 4095) / 4096 * 4096 + 4096;
    const size_t room = b->cold_bytes - bytes;
    const size_t slots = room / stride + 1;
    return static_cast<size_t>(index) % slots * stride;
}

size_t cold_size_for(const LlmsimCudaBench* b, size_t operand) {
    return std::max(operand + 4 * std::max<size_t>(b->l2_bytes, 32u << 20), 2 * operand);
}

// Times launch(rep) per call with CUDA events on the bench stream.
template <typename Launch>
int32_t time_calls(LlmsimCudaBench* b, const LlmsimCudaTimingOptions* opt, LlmsimCudaTiming* out, char* err,
                   size_t err_len, Launch&& launch) {
    long rep = 0;
    for (int i = 0; i < opt->warmup; ++i) {
        if (launch(rep++) != 0) return 1;
    }
    LLMSIM_CUDA_TRY(cudaStreamSynchronize(b->stream));
    Stats stats;
    double elapsed_s = 0;
    while (true) {
        LLMSIM_CUDA_TRY(cudaEventRecord(b->start, b->stream));
        if (launch(rep++) != 0) return 1;
        LLMSIM_CUDA_TRY(cudaEventRecord(b->stop, b->stream));
        LLMSIM_CUDA_TRY(cudaEventSynchronize(b->stop));
        float ms = 0.f;
        LLMSIM_CUDA_TRY(cudaEventElapsedTime(&ms, b->start, b->stop));
        stats.samples.push_back(static_cast<double>(ms) * 1e6);
        elapsed_s += static_cast<double>(ms) * 1e-3;
        const int n = static_cast<int>(stats.samples.size());
        if (n >= opt->max_repeats) break;
        if (n >= opt->min_repeats && elapsed_s >= opt->min_time_s) break;
    }
    stats.finish(out);
    return 0;
}

}  // namespace

extern "C" {

int32_t llmsim_cuda_abi_version(void) {
    return LLMSIM_CUDA_BENCH_ABI;
}

int32_t llmsim_cuda_device_count(int32_t* count, char* err, size_t err_len) {
    int n = 0;
    LLMSIM_CUDA_TRY(cudaGetDeviceCount(&n));
    if (n == 0) {
        set_error(err, err_len, "no CUDA device visible");
        return 1;
    }
    *count = n;
    return 0;
}

int32_t llmsim_cuda_open(int32_t device, LlmsimCudaBench** out, char* err, size_t err_len) {
    auto* b = new LlmsimCudaBench();
    b->device = device;
    auto fail = [&]() {
        llmsim_cuda_close(b);
        return 1;
    };
    if (cudaSetDevice(device) != cudaSuccess) {
        set_error(err, err_len, "cannot select CUDA device %d", device);
        return fail();
    }
    int l2 = 0;
    cudaDeviceGetAttribute(&l2, cudaDevAttrL2CacheSize, device);
    b->l2_bytes = static_cast<size_t>(l2);
    if (cudaStreamCreate(&b->stream) != cudaSuccess || cudaEventCreate(&b->start) != cudaSuccess ||
        cudaEventCreate(&b->stop) != cudaSuccess) {
        set_error(err, err_len, "cannot create a CUDA stream or events on device %d", device);
        return fail();
    }
    if (cublasCreate(&b->blas) != CUBLAS_STATUS_SUCCESS ||
        cublasSetStream(b->blas, b->stream) != CUBLAS_STATUS_SUCCESS) {
        set_error(err, err_len, "cannot create a cuBLAS handle");
        return fail();
    }
    *out = b;
    return 0;
}

void llmsim_cuda_close(LlmsimCudaBench* b) {
    if (b == nullptr) return;
    cudaSetDevice(b->device);
#ifdef LLMSIM_WITH_NCCL
    for (size_t i = 0; i < b->comms.size(); ++i) {
        cudaSetDevice(static_cast<int>(i));
        ncclCommDestroy(b->comms[i]);
        cudaFree(b->comm_buffers[i]);
        cudaStreamDestroy(b->comm_streams[i]);
    }
    cudaSetDevice(b->device);
#endif
    if (b->blas != nullptr) cublasDestroy(b->blas);
    if (b->cold != nullptr) cudaFree(b->cold);
    if (b->hot != nullptr) cudaFree(b->hot);
    if (b->host != nullptr) cudaFreeHost(b->host);
    if (b->start != nullptr) cudaEventDestroy(b->start);
    if (b->stop != nullptr) cudaEventDestroy(b->stop);
    if (b->stream != nullptr) cudaStreamDestroy(b->stream);
    delete b;
}

int32_t llmsim_cuda_describe(LlmsimCudaBench* b, char* name, size_t name_len, int32_t* nccl_gpus) {
    cudaDeviceProp prop{};
    if (cudaGetDeviceProperties(&prop, b->device) != cudaSuccess) return 1;
    std::snprintf(name, name_len, "%s", prop.name);
    int count = 0;
    cudaGetDeviceCount(&count);
#ifdef LLMSIM_WITH_NCCL
    *nccl_gpus = count >= 2 ? count : 0;
#else
    *nccl_gpus = 0;
#endif
    return 0;
}

int32_t llmsim_cuda_gemm(LlmsimCudaBench* b, int64_t m, int64_t n, int64_t k, int32_t dtype,
                         const LlmsimCudaTimingOptions* opt, LlmsimCudaTiming* out, char* err, size_t err_len) {
    cudaDataType_t type = CUDA_R_16F;
    cublasComputeType_t compute = CUBLAS_COMPUTE_32F;
    size_t elem = 2;
    switch (dtype) {
        case LLMSIM_CUDA_FP32:
            type = CUDA_R_32F;
            elem = 4;
            break;
        case LLMSIM_CUDA_TF32:
            type = CUDA_R_32F;
            elem = 4;
            compute = CUBLAS_COMPUTE_32F_FAST_TF32;
            break;
        case LLMSIM_CUDA_FP16:
            type = CUDA_R_16F;
            break;
        case LLMSIM_CUDA_BF16:
            type = CUDA_R_16BF;
            break;
        default:
            set_error(err, err_len, "unknown GEMM dtype %d", dtype);
            return 1;
    }
    LLMSIM_CUDA_TRY(cudaSetDevice(b->device));
    const size_t w_bytes = static_cast<size_t>(k) * n * elem;
    const size_t a_bytes = static_cast<size_t>(m) * k * elem;
    const size_t c_bytes = static_cast<size_t>(m) * n * elem;
    if (ensure(b->cold, b->cold_bytes, cold_size_for(b, w_bytes), false, err, err_len) != 0) return 1;
    if (ensure(b->hot, b->hot_bytes, a_bytes + c_bytes + 256, false, err, err_len) != 0) return 1;
    const float alpha = 1.f;
    const float beta = 0.f;
    char* a = b->hot;
    char* c = b->hot + (a_bytes + 255) / 256 * 256;
    // Row-major c = a * w is column-major c^T = w^T * a^T: swap the operands.
    return time_calls(b, opt, out, err, err_len, [&](long rep) -> int32_t {
        const char* w = b->cold + cold_slot(b, rep, w_bytes);
        LLMSIM_CUBLAS_TRY(cublasGemmEx(b->blas, CUBLAS_OP_N, CUBLAS_OP_N, static_cast<int>(n), static_cast<int>(m),
                                       static_cast<int>(k), &alpha, w, type, static_cast<int>(n), a, type,
                                       static_cast<int>(k), &beta, c, type, static_cast<int>(n), compute,
                                       CUBLAS_GEMM_DEFAULT));
        return 0;
    });
}

int32_t llmsim_cuda_memcpy(LlmsimCudaBench* b, int32_t kind, int64_t bytes, const LlmsimCudaTimingOptions* opt,
                           LlmsimCudaTiming* out, char* err, size_t err_len) {
    LLMSIM_CUDA_TRY(cudaSetDevice(b->device));
    const auto n = static_cast<size_t>(bytes);
    if (ensure(b->cold, b->cold_bytes, cold_size_for(b, 2 * n), false, err, err_len) != 0) return 1;
    if (kind != LLMSIM_CUDA_D2D && ensure(b->host, b->host_bytes, n, true, err, err_len) != 0) return 1;
    return time_calls(b, opt, out, err, err_len, [&](long rep) -> int32_t {
        char* dev = b->cold + cold_slot(b, rep, 2 * n);
        switch (kind) {
            case LLMSIM_CUDA_H2D:
                LLMSIM_CUDA_TRY(cudaMemcpyAsync(dev, b->host, n, cudaMemcpyHostToDevice, b->stream));
                break;
            case LLMSIM_CUDA_D2H:
                LLMSIM_CUDA_TRY(cudaMemcpyAsync(b->host, dev, n, cudaMemcpyDeviceToHost, b->stream));
                break;
            case LLMSIM_CUDA_D2D:
                LLMSIM_CUDA_TRY(cudaMemcpyAsync(dev + n, dev, n, cudaMemcpyDeviceToDevice, b->stream));
                break;
            default:
                set_error(err, err_len, "unknown copy kind %d", kind);
                return 1;
        }
        return 0;
    });
}

int32_t llmsim_cuda_decode_attention(LlmsimCudaBench* b, int32_t seqs, int32_t context, int32_t heads, int32_t kv_heads,
                                     int32_t head_dim, const LlmsimCudaTimingOptions* opt, LlmsimCudaTiming* out,
                                     char* err, size_t err_len) {
    LLMSIM_CUDA_TRY(cudaSetDevice(b->device));
    if (kv_heads <= 0 || heads % kv_heads != 0) {
        set_error(err, err_len, "heads %d not a multiple of kv heads %d", heads, kv_heads);
        return 1;
    }
    const int len = context + 1;
    const size_t smem = static_cast<size_t>(len) * sizeof(float);
    int max_smem = 0;
    cudaDeviceGetAttribute(&max_smem, cudaDevAttrMaxSharedMemoryPerBlockOptin, b->device);
    if (smem > static_cast<size_t>(max_smem)) {
        set_error(err, err_len, "context %d exceeds the decode kernel's shared-memory limit", context);
        return 1;
    }
    LLMSIM_CUDA_TRY(cudaFuncSetAttribute(decode_attention_kernel, cudaFuncAttributeMaxDynamicSharedMemorySize,
                                         static_cast<int>(smem)));
    const size_t cache_bytes = static_cast<size_t>(seqs) * len * kv_heads * head_dim * sizeof(__half);
    const size_t q_bytes = static_cast<size_t>(seqs) * heads * head_dim * sizeof(__half);
    if (ensure(b->cold, b->cold_bytes, cold_size_for(b, 2 * cache_bytes), false, err, err_len) != 0) return 1;
    if (ensure(b->hot, b->hot_bytes, 2 * q_bytes + 256, false, err, err_len) != 0) return 1;
    const auto* q = reinterpret_cast<const __half*>(b->hot);
    auto* o = reinterpret_cast<__half*>(b->hot + (q_bytes + 255) / 256 * 256);
    const float scale = 1.0f / sqrtf(static_cast<float>(head_dim));
    return time_calls(b, opt, out, err, err_len, [&](long rep) -> int32_t {
        char* base = b->cold + cold_slot(b, rep, 2 * cache_bytes);
        const auto* kc = reinterpret_cast<const __half*>(base);
        const auto* vc = reinterpret_cast<const __half*>(base + cache_bytes);
        decode_attention_kernel<<<dim3(heads, seqs), 128, smem, b->stream>>>(q, kc, vc, o, len, heads, kv_heads,
                                                                             head_dim, scale);
        LLMSIM_CUDA_TRY(cudaGetLastError());
        return 0;
    });
}

int32_t llmsim_cuda_all_reduce(LlmsimCudaBench* b, int32_t gpus, int64_t bytes, const LlmsimCudaTimingOptions* opt,
                               LlmsimCudaTiming* out, char* err, size_t err_len) {
#ifndef LLMSIM_WITH_NCCL
    (void)b;
    (void)gpus;
    (void)bytes;
    (void)opt;
    (void)out;
    set_error(err, err_len, "the CUDA plugin was built without NCCL");
    return 1;
#else
    if (b->comms.size() != static_cast<size_t>(gpus)) {
        for (size_t i = 0; i < b->comms.size(); ++i) {
            cudaSetDevice(static_cast<int>(i));
            ncclCommDestroy(b->comms[i]);
            cudaFree(b->comm_buffers[i]);
            cudaStreamDestroy(b->comm_streams[i]);
        }
        b->comms.assign(static_cast<size_t>(gpus), nullptr);
        b->comm_streams.assign(static_cast<size_t>(gpus), nullptr);
        b->comm_buffers.assign(static_cast<size_t>(gpus), nullptr);
        b->comm_bytes = 0;
        std::vector<int> devs(static_cast<size_t>(gpus));
        for (int i = 0; i < gpus; ++i)
            devs[static_cast<size_t>(i)] = i;
        const ncclResult_t r = ncclCommInitAll(b->comms.data(), gpus, devs.data());
        if (r != ncclSuccess) {
            b->comms.clear();
            set_error(err, err_len, "ncclCommInitAll over %d GPUs failed: %s", gpus, ncclGetErrorString(r));
            return 1;
        }
        for (int i = 0; i < gpus; ++i) {
            LLMSIM_CUDA_TRY(cudaSetDevice(i));
            LLMSIM_CUDA_TRY(cudaStreamCreate(&b->comm_streams[static_cast<size_t>(i)]));
        }
    }
    const auto n = static_cast<size_t>(bytes);
    if (b->comm_bytes < n) {
        for (int i = 0; i < gpus; ++i) {
            LLMSIM_CUDA_TRY(cudaSetDevice(i));
            if (b->comm_buffers[static_cast<size_t>(i)] != nullptr) cudaFree(b->comm_buffers[static_cast<size_t>(i)]);
            LLMSIM_CUDA_TRY(cudaMalloc(&b->comm_buffers[static_cast<size_t>(i)], n));
            LLMSIM_CUDA_TRY(cudaMemset(b->comm_buffers[static_cast<size_t>(i)], 0, n));
        }
        b->comm_bytes = n;
    }
    // Wall-clock per call: the collective ends when every GPU's stream has finished it.
    auto one = [&]() -> int32_t {
        ncclGroupStart();
        for (int i = 0; i < gpus; ++i) {
            const auto s = static_cast<size_t>(i);
            ncclAllReduce(b->comm_buffers[s], b->comm_buffers[s], n / 2, ncclHalf, ncclSum, b->comms[s],
                          b->comm_streams[s]);
        }
        const ncclResult_t r = ncclGroupEnd();
        if (r != ncclSuccess) {
            set_error(err, err_len, "ncclAllReduce failed: %s", ncclGetErrorString(r));
            return 1;
        }
        for (int i = 0; i < gpus; ++i) {
            LLMSIM_CUDA_TRY(cudaSetDevice(i));
            LLMSIM_CUDA_TRY(cudaStreamSynchronize(b->comm_streams[static_cast<size_t>(i)]));
        }
        return 0;
    };
    for (int i = 0; i < opt->warmup; ++i) {
        if (one() != 0) return 1;
    }
    Stats stats;
    double elapsed_s = 0;
    while (true) {
        const auto t0 = std::chrono::steady_clock::now();
        if (one() != 0) return 1;
        const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        stats.samples.push_back(s * 1e9);
        elapsed_s += s;
        const int k = static_cast<int>(stats.samples.size());
        if (k >= opt->max_repeats) break;
        if (k >= opt->min_repeats && elapsed_s >= opt->min_time_s) break;
    }
    stats.finish(out);
    cudaSetDevice(b->device);
    return 0;
#endif
}

}  // extern "C"
