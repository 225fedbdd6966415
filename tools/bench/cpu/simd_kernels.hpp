#pragma once
// Single-threaded CPU kernels (Eigen) of the real transformer and the kernel benchmark. This translation unit alone
// may be compiled for the host's full instruction set (CMake option LLMSIM_BENCH_NATIVE), so its interface is plain
// pointers and sizes: no standard-library types cross it and nothing else is compiled with those flags.
// Matrices are row-major; `ld*` is the distance in elements between consecutive rows.
#include <cstdint>

namespace llmsim::bench::simd {

// c[m x n] = a[m x k] * b[k x n] in fp32.
void gemm_f32(int64_t m, int64_t n, int64_t k, const float* a, int64_t lda, const float* b, int64_t ldb, float* c,
              int64_t ldc);
// The same in bfloat16 (storage: the upper 16 bits of an IEEE float), the lower precision Eigen vectorises here.
void gemm_bf16(int64_t m, int64_t n, int64_t k, const uint16_t* a, int64_t lda, const uint16_t* b, int64_t ldb,
               uint16_t* c, int64_t ldc);

// out[r] = x[r] / rms(x[r]) * weight, for `rows` rows of `cols` elements.
void rmsnorm(int64_t rows, int64_t cols, const float* x, const float* weight, float* out, float eps);
// out[r][i] = silu(gate_up[r][i]) * gate_up[r][inter + i] (fused gate+up layout of the MLP up projection).
void silu_mul(int64_t rows, int64_t inter, const float* gate_up, float* out);
// Rotary embedding in place on `heads` consecutive heads of each row (pairs (2i, 2i+1)); cos_sin holds, per
// position, head_dim/2 (cos, sin) pairs.
void rope(int64_t rows, int64_t heads, int64_t head_dim, float* x, int64_t ldx, const int32_t* positions,
          const float* cos_sin);
// x += y.
void add_inplace(int64_t n, float* x, const float* y);
void copy(int64_t n, const float* src, float* dst);
// a = b + s * c (STREAM triad).
void triad(int64_t n, float* a, const float* b, const float* c, float s);
// out[r] = table[ids[r]].
void gather_rows(int64_t rows, int64_t cols, const float* table, const int32_t* ids, float* out);
// Causal attention of one head over a cache: q is [t x d] (ldq); keys/values are the first ctx + t rows of k and v
// (ldkv); query i sees keys 0 .. ctx + i. out is [t x d] (ldo). scratch holds t * (ctx + t) floats.
void attention_head(int64_t t, int64_t ctx, int64_t d, const float* q, int64_t ldq, const float* k, const float* v,
                    int64_t ldkv, float* out, int64_t ldo, float scale, float* scratch);
// Index of the largest of n values (greedy sampling).
int64_t argmax(int64_t n, const float* x);

// Sets flush-to-zero / denormals-are-zero for the calling thread (random weights must not hit slow denormal paths);
// returns the previous mode for restore_float_mode.
uint32_t set_fast_float_mode();
void restore_float_mode(uint32_t previous);

}  // namespace llmsim::bench::simd
