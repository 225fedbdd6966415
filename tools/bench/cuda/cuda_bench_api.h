/* C interface of the CUDA kernel-benchmark plugin (libllmsim_bench_cuda.so). llmsim loads it with dlopen only when
 * `llmsim bench kernels --backend cuda` runs, so neither the build nor the binary depends on CUDA. The plugin times
 * primitive operations; llmsim plans the shapes and computes FLOPs and bytes with its own op model. */
#ifndef LLMSIM_CUDA_BENCH_API_H
#define LLMSIM_CUDA_BENCH_API_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define LLMSIM_CUDA_BENCH_ABI 1

enum LlmsimCudaDType { LLMSIM_CUDA_FP32 = 0, LLMSIM_CUDA_TF32 = 1, LLMSIM_CUDA_FP16 = 2, LLMSIM_CUDA_BF16 = 3 };
enum LlmsimCudaCopy { LLMSIM_CUDA_H2D = 0, LLMSIM_CUDA_D2H = 1, LLMSIM_CUDA_D2D = 2 };

typedef struct LlmsimCudaTiming {
    double median_ns;
    double min_ns;
    int32_t repeats;
} LlmsimCudaTiming;

typedef struct LlmsimCudaTimingOptions {
    int32_t warmup;
    int32_t min_repeats;
    int32_t max_repeats;
    double min_time_s;
} LlmsimCudaTimingOptions;

typedef struct LlmsimCudaBench LlmsimCudaBench;

/* Every function returns 0 on success; otherwise writes a one-line reason to err (err_len bytes). */
int32_t llmsim_cuda_abi_version(void);
int32_t llmsim_cuda_device_count(int32_t* count, char* err, size_t err_len);
int32_t llmsim_cuda_open(int32_t device, LlmsimCudaBench** out, char* err, size_t err_len);
void llmsim_cuda_close(LlmsimCudaBench* bench);
/* Device name and the number of GPUs NCCL can use from this process (0 when the plugin was built without NCCL). */
int32_t llmsim_cuda_describe(LlmsimCudaBench* bench, char* name, size_t name_len, int32_t* nccl_gpus);

/* c[m x n] = a[m x k] * b[k x n] with cuBLAS (row-major semantics), weights rotated to read them cold. */
int32_t llmsim_cuda_gemm(LlmsimCudaBench* bench, int64_t m, int64_t n, int64_t k, int32_t dtype,
                         const LlmsimCudaTimingOptions* opt, LlmsimCudaTiming* out, char* err, size_t err_len);
int32_t llmsim_cuda_memcpy(LlmsimCudaBench* bench, int32_t kind, int64_t bytes, const LlmsimCudaTimingOptions* opt,
                           LlmsimCudaTiming* out, char* err, size_t err_len);
/* Decode attention (one query token per sequence) over fp16 caches of `context` + 1 tokens. */
int32_t llmsim_cuda_decode_attention(LlmsimCudaBench* bench, int32_t seqs, int32_t context, int32_t heads,
                                     int32_t kv_heads, int32_t head_dim, const LlmsimCudaTimingOptions* opt,
                                     LlmsimCudaTiming* out, char* err, size_t err_len);
/* fp16 all-reduce of `bytes` per GPU over the first `gpus` devices (single process, one communicator per GPU). */
int32_t llmsim_cuda_all_reduce(LlmsimCudaBench* bench, int32_t gpus, int64_t bytes, const LlmsimCudaTimingOptions* opt,
                               LlmsimCudaTiming* out, char* err, size_t err_len);

#ifdef __cplusplus
}
#endif

#endif /* LLMSIM_CUDA_BENCH_API_H */
