#include "tools/bench/cpu/cpu_kernels.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "common/error.hpp"
#include "tools/bench/cpu/simd_kernels.hpp"

namespace llmsim::bench {
namespace {

// Work below these sizes runs on one thread: a dispatch costs more than it saves.
constexpr int64_t kMinElementsPerWorker = 65536;
constexpr int64_t kGemmColumnGrain = 64;
constexpr double kMinGemmFlopsToSplit = 2e5;

int64_t rows_grain(int64_t cols) {
    return std::max<int64_t>(1, kMinElementsPerWorker / std::max<int64_t>(1, cols));
}

}  // namespace

CpuKernels::CpuKernels(int32_t threads) : pool_(threads), scratch_(static_cast<size_t>(threads)) {}

void CpuKernels::gemm(int64_t m, int64_t n, int64_t k, const float* a, const float* w, int64_t ldw, float* c) {
    if (m == 1) {
        if (pad_a_.size() < static_cast<size_t>(2 * k)) pad_a_.assign(static_cast<size_t>(2 * k), 0.0f);
        if (pad_c_.size() < static_cast<size_t>(2 * n)) pad_c_.resize(static_cast<size_t>(2 * n));
        std::memcpy(pad_a_.data(), a, static_cast<size_t>(k) * sizeof(float));
        gemm(2, n, k, pad_a_.data(), w, ldw, pad_c_.data());
        std::memcpy(c, pad_c_.data(), static_cast<size_t>(n) * sizeof(float));
        return;
    }
    if (2.0 * static_cast<double>(m) * static_cast<double>(n) * static_cast<double>(k) < kMinGemmFlopsToSplit) {
        simd::gemm_f32(m, n, k, a, k, w, ldw, c, n);
        return;
    }
    // Columns of the weight matrix per worker: each worker streams its own share of the weights.
    pool_.parallel_for(n, kGemmColumnGrain,
                       [&](int64_t c0, int64_t c1) { simd::gemm_f32(m, c1 - c0, k, a, k, w + c0, ldw, c + c0, n); });
}

void CpuKernels::gemm_bf16(int64_t m, int64_t n, int64_t k, const uint16_t* a, const uint16_t* w, int64_t ldw,
                           uint16_t* c) {
    if (m == 1) {
        if (pad_a16_.size() < static_cast<size_t>(2 * k)) pad_a16_.assign(static_cast<size_t>(2 * k), 0);
        if (pad_c16_.size() < static_cast<size_t>(2 * n)) pad_c16_.resize(static_cast<size_t>(2 * n));
        std::memcpy(pad_a16_.data(), a, static_cast<size_t>(k) * sizeof(uint16_t));
        gemm_bf16(2, n, k, pad_a16_.data(), w, ldw, pad_c16_.data());
        std::memcpy(c, pad_c16_.data(), static_cast<size_t>(n) * sizeof(uint16_t));
        return;
    }
    if (2.0 * static_cast<double>(m) * static_cast<double>(n) * static_cast<double>(k) < kMinGemmFlopsToSplit) {
        simd::gemm_bf16(m, n, k, a, k, w, ldw, c, n);
        return;
    }
    pool_.parallel_for(n, kGemmColumnGrain,
                       [&](int64_t c0, int64_t c1) { simd::gemm_bf16(m, c1 - c0, k, a, k, w + c0, ldw, c + c0, n); });
}

void CpuKernels::rmsnorm(int64_t rows, int64_t cols, const float* x, const float* weight, float* out) {
    pool_.parallel_for(rows, rows_grain(cols), [&](int64_t r0, int64_t r1) {
        simd::rmsnorm(r1 - r0, cols, x + r0 * cols, weight, out + r0 * cols, 1e-5f);
    });
}

void CpuKernels::silu_mul(int64_t rows, int64_t inter, const float* gate_up, float* out) {
    pool_.parallel_for(rows, rows_grain(2 * inter), [&](int64_t r0, int64_t r1) {
        simd::silu_mul(r1 - r0, inter, gate_up + r0 * 2 * inter, out + r0 * inter);
    });
}

void CpuKernels::rope(int64_t rows, int64_t heads, int64_t head_dim, float* x, int64_t ldx, const int32_t* positions,
                      const float* cos_sin) {
    pool_.parallel_for(rows, rows_grain(heads * head_dim), [&](int64_t r0, int64_t r1) {
        simd::rope(r1 - r0, heads, head_dim, x + r0 * ldx, ldx, positions + r0, cos_sin);
    });
}

void CpuKernels::add(int64_t n, float* x, const float* y) {
    pool_.parallel_for(n, kMinElementsPerWorker,
                       [&](int64_t i0, int64_t i1) { simd::add_inplace(i1 - i0, x + i0, y + i0); });
}

void CpuKernels::copy(int64_t n, const float* src, float* dst) {
    pool_.parallel_for(n, kMinElementsPerWorker,
                       [&](int64_t i0, int64_t i1) { simd::copy(i1 - i0, src + i0, dst + i0); });
}

void CpuKernels::triad(int64_t n, float* a, const float* b, const float* c, float s) {
    pool_.parallel_for(n, kMinElementsPerWorker,
                       [&](int64_t i0, int64_t i1) { simd::triad(i1 - i0, a + i0, b + i0, c + i0, s); });
}

void CpuKernels::gather(int64_t rows, int64_t cols, const float* table, const int32_t* ids, float* out) {
    pool_.parallel_for(rows, rows_grain(cols), [&](int64_t r0, int64_t r1) {
        simd::gather_rows(r1 - r0, cols, table, ids + r0, out + r0 * cols);
    });
}

void CpuKernels::attention(std::span<const AttentionSeq> seqs, int32_t heads, int32_t kv_heads, int32_t head_dim,
                           const float* qkv, float* out) {
    LLMSIM_ASSERT(kv_heads > 0 && heads % kv_heads == 0, "query heads must be a multiple of KV heads");
    const int64_t d = head_dim;
    const int64_t q_dim = heads * d;
    const int64_t kv_dim = kv_heads * d;
    const int64_t ld_qkv = q_dim + 2 * kv_dim;
    const auto n_seqs = static_cast<int64_t>(seqs.size());
    // 1. New keys/values into the caches (a separate pass: heads sharing a KV head read it in step 2).
    pool_.parallel_items(n_seqs, [&](int64_t s, int32_t) {
        const AttentionSeq& a = seqs[static_cast<size_t>(s)];
        for (int64_t i = 0; i < a.new_tokens; ++i) {
            const float* row = qkv + (a.q_row + i) * ld_qkv;
            std::memcpy(a.k_cache + (a.context + i) * kv_dim, row + q_dim, static_cast<size_t>(kv_dim) * sizeof(float));
            std::memcpy(a.v_cache + (a.context + i) * kv_dim, row + q_dim + kv_dim,
                        static_cast<size_t>(kv_dim) * sizeof(float));
        }
    });
    // 2. One item per (sequence, head).
    const float scale = 1.0f / std::sqrt(static_cast<float>(d));
    const int32_t group = heads / kv_heads;
    pool_.parallel_items(n_seqs * heads, [&](int64_t item, int32_t worker) {
        const AttentionSeq& a = seqs[static_cast<size_t>(item / heads)];
        const auto h = static_cast<int32_t>(item % heads);
        const int64_t kvh = h / group;
        std::vector<float>& scratch = scratch_[static_cast<size_t>(worker)];
        const auto need = static_cast<size_t>(a.new_tokens * (a.context + a.new_tokens));
        if (scratch.size() < need) scratch.resize(need);
        simd::attention_head(a.new_tokens, a.context, d, qkv + a.q_row * ld_qkv + h * d, ld_qkv, a.k_cache + kvh * d,
                             a.v_cache + kvh * d, kv_dim, out + a.q_row * q_dim + h * d, q_dim, scale, scratch.data());
    });
}

void CpuKernels::argmax_rows(int64_t rows, int64_t cols, const float* x, int32_t* out) {
    pool_.parallel_for(rows, rows_grain(cols), [&](int64_t r0, int64_t r1) {
        for (int64_t r = r0; r < r1; ++r)
            out[r] = static_cast<int32_t>(simd::argmax(cols, x + r * cols));
    });
}

std::vector<float> rope_table(int64_t positions, int64_t head_dim, double theta) {
    const int64_t half = head_dim / 2;
    std::vector<float> t(static_cast<size_t>(positions * half * 2));
    for (int64_t p = 0; p < positions; ++p) {
        for (int64_t i = 0; i < half; ++i) {
            const double freq = std::pow(theta, -2.0 * static_cast<double>(i) / static_cast<double>(head_dim));
            const double angle = static_cast<double>(p) * freq;
            t[static_cast<size_t>((p * half + i) * 2)] = static_cast<float>(std::cos(angle));
            t[static_cast<size_t>((p * half + i) * 2 + 1)] = static_cast<float>(std::sin(angle));
        }
    }
    return t;
}

}  // namespace llmsim::bench
