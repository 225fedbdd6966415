#include "tools/bench/cpu/simd_kernels.hpp"

#include <Eigen/Core>
#include <cmath>
#include <limits>

#if defined(__SSE__)
#include <xmmintrin.h>
#endif

namespace llmsim::bench::simd {
namespace {

template <typename T>
using RowMat = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
template <typename T>
using ConstMap = Eigen::Map<const RowMat<T>, 0, Eigen::OuterStride<>>;
template <typename T>
using MutMap = Eigen::Map<RowMat<T>, 0, Eigen::OuterStride<>>;
using Stride = Eigen::OuterStride<>;
using RowArray = Eigen::Array<float, 1, Eigen::Dynamic>;

}  // namespace

void gemm_f32(int64_t m, int64_t n, int64_t k, const float* a, int64_t lda, const float* b, int64_t ldb, float* c,
              int64_t ldc) {
    ConstMap<float> am(a, m, k, Stride(lda));
    ConstMap<float> bm(b, k, n, Stride(ldb));
    MutMap<float> cm(c, m, n, Stride(ldc));
    cm.noalias() = am * bm;
}

void gemm_bf16(int64_t m, int64_t n, int64_t k, const uint16_t* a, int64_t lda, const uint16_t* b, int64_t ldb,
               uint16_t* c, int64_t ldc) {
    // Eigen::bfloat16 is a struct holding exactly the 16-bit pattern.
    static_assert(sizeof(Eigen::bfloat16) == sizeof(uint16_t));
    ConstMap<Eigen::bfloat16> am(reinterpret_cast<const Eigen::bfloat16*>(a), m, k, Stride(lda));
    ConstMap<Eigen::bfloat16> bm(reinterpret_cast<const Eigen::bfloat16*>(b), k, n, Stride(ldb));
    MutMap<Eigen::bfloat16> cm(reinterpret_cast<Eigen::bfloat16*>(c), m, n, Stride(ldc));
    cm.noalias() = am * bm;
}

void rmsnorm(int64_t rows, int64_t cols, const float* x, const float* weight, float* out, float eps) {
    Eigen::Map<const RowArray> w(weight, cols);
    for (int64_t r = 0; r < rows; ++r) {
        Eigen::Map<const RowArray> xr(x + r * cols, cols);
        Eigen::Map<RowArray> yr(out + r * cols, cols);
        const float inv = 1.0f / std::sqrt(xr.square().mean() + eps);
        yr = xr * inv * w;
    }
}

void silu_mul(int64_t rows, int64_t inter, const float* gate_up, float* out) {
    for (int64_t r = 0; r < rows; ++r) {
        Eigen::Map<const RowArray> g(gate_up + r * 2 * inter, inter);
        Eigen::Map<const RowArray> u(gate_up + r * 2 * inter + inter, inter);
        Eigen::Map<RowArray> y(out + r * inter, inter);
        y = g / (1.0f + (-g).exp()) * u;
    }
}

void rope(int64_t rows, int64_t heads, int64_t head_dim, float* x, int64_t ldx, const int32_t* positions,
          const float* cos_sin) {
    const int64_t half = head_dim / 2;
    for (int64_t r = 0; r < rows; ++r) {
        const float* cs = cos_sin + static_cast<int64_t>(positions[r]) * half * 2;
        float* row = x + r * ldx;
        for (int64_t h = 0; h < heads; ++h) {
            float* p = row + h * head_dim;
            for (int64_t i = 0; i < half; ++i) {
                const float c = cs[2 * i];
                const float s = cs[2 * i + 1];
                const float x0 = p[2 * i];
                const float x1 = p[2 * i + 1];
                p[2 * i] = x0 * c - x1 * s;
                p[2 * i + 1] = x0 * s + x1 * c;
            }
        }
    }
}

void add_inplace(int64_t n, float* x, const float* y) {
    Eigen::Map<Eigen::ArrayXf> xm(x, n);
    Eigen::Map<const Eigen::ArrayXf> ym(y, n);
    xm += ym;
}

void copy(int64_t n, const float* src, float* dst) {
    Eigen::Map<Eigen::ArrayXf>(dst, n) = Eigen::Map<const Eigen::ArrayXf>(src, n);
}

void triad(int64_t n, float* a, const float* b, const float* c, float s) {
    Eigen::Map<Eigen::ArrayXf>(a, n) =
        Eigen::Map<const Eigen::ArrayXf>(b, n) + s * Eigen::Map<const Eigen::ArrayXf>(c, n);
}

void gather_rows(int64_t rows, int64_t cols, const float* table, const int32_t* ids, float* out) {
    for (int64_t r = 0; r < rows; ++r) {
        Eigen::Map<RowArray>(out + r * cols, cols) =
            Eigen::Map<const RowArray>(table + static_cast<int64_t>(ids[r]) * cols, cols);
    }
}

void attention_head(int64_t t, int64_t ctx, int64_t d, const float* q, int64_t ldq, const float* k, const float* v,
                    int64_t ldkv, float* out, int64_t ldo, float scale, float* scratch) {
    const int64_t len = ctx + t;
    ConstMap<float> qm(q, t, d, Stride(ldq));
    ConstMap<float> km(k, len, d, Stride(ldkv));
    ConstMap<float> vm(v, len, d, Stride(ldkv));
    Eigen::Map<RowMat<float>> s(scratch, t, len);
    s.noalias() = scale * (qm * km.transpose());
    for (int64_t i = 0; i < t; ++i) {
        const int64_t visible = ctx + i + 1;
        auto row = s.row(i).head(visible).array();
        const float mx = row.maxCoeff();
        row = (row - mx).exp();
        row /= row.sum();
        if (visible < len) s.row(i).tail(len - visible).setZero();
    }
    MutMap<float> om(out, t, d, Stride(ldo));
    om.noalias() = s * vm;
}

int64_t argmax(int64_t n, const float* x) {
    Eigen::Index best = 0;
    Eigen::Map<const Eigen::ArrayXf>(x, n).maxCoeff(&best);
    return static_cast<int64_t>(best);
}

uint32_t set_fast_float_mode() {
#if defined(__SSE__)
    const uint32_t previous = _mm_getcsr();
    _mm_setcsr(previous | 0x8040);  // FTZ | DAZ
    return previous;
#else
    return 0;
#endif
}

void restore_float_mode(uint32_t previous) {
#if defined(__SSE__)
    _mm_setcsr(previous);
#else
    (void)previous;
#endif
}

}  // namespace llmsim::bench::simd
