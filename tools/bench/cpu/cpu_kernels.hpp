#pragma once
// The CPU backend's kernels, spread over a thread pool: what `llmsim bench kernels` times and what the real
// transformer of `llmsim bench serve` runs, call for call, so the calibration measures exactly the executed code.
#include <cstdint>
#include <span>
#include <vector>

#include "tools/bench/cpu/thread_pool.hpp"

namespace llmsim::bench {

// One sequence's share of an attention call: `new_tokens` query rows starting at `q_row` of the fused QKV buffer,
// on top of `context` cached tokens. Its new keys/values are written to rows context .. context + new_tokens - 1
// of the caches (row length kv_heads * head_dim).
struct AttentionSeq {
    int64_t q_row = 0;
    int64_t new_tokens = 0;
    int64_t context = 0;
    float* k_cache = nullptr;
    float* v_cache = nullptr;
};

class CpuKernels {
  public:
    explicit CpuKernels(int32_t threads);

    [[nodiscard]] int32_t threads() const { return pool_.threads(); }

    // c[m x n] = a[m x k] * w[k x n] (row-major; w rows are `ldw` apart, see weight_ld). A single row goes through
    // the same blocked GEMM as two rows rather than Eigen's matrix-vector path, so small-batch GEMMs share one
    // memory-bound regime (time set by the weight bytes) that a profile's efficiency-by-bytes curve can describe.
    void gemm(int64_t m, int64_t n, int64_t k, const float* a, const float* w, int64_t ldw, float* c);
    void gemm_bf16(int64_t m, int64_t n, int64_t k, const uint16_t* a, const uint16_t* w, int64_t ldw, uint16_t* c);
    void rmsnorm(int64_t rows, int64_t cols, const float* x, const float* weight, float* out);
    void silu_mul(int64_t rows, int64_t inter, const float* gate_up, float* out);
    // Rotates the first `heads` heads of each row of x (row stride ldx) by the row's position.
    void rope(int64_t rows, int64_t heads, int64_t head_dim, float* x, int64_t ldx, const int32_t* positions,
              const float* cos_sin);
    void add(int64_t n, float* x, const float* y);
    void copy(int64_t n, const float* src, float* dst);
    void triad(int64_t n, float* a, const float* b, const float* c, float s);
    void gather(int64_t rows, int64_t cols, const float* table, const int32_t* ids, float* out);
    // Appends each sequence's new keys/values to its cache, then runs causal attention per (sequence, head).
    // qkv rows are [q (heads*d) | k (kv_heads*d) | v (kv_heads*d)]; out rows are heads*d.
    void attention(std::span<const AttentionSeq> seqs, int32_t heads, int32_t kv_heads, int32_t head_dim,
                   const float* qkv, float* out);
    // out[r] = argmax of row r (greedy sampling).
    void argmax_rows(int64_t rows, int64_t cols, const float* x, int32_t* out);

  private:
    ThreadPool pool_;
    std::vector<float> pad_a_, pad_c_;  // the single-row GEMM as two rows
    std::vector<uint16_t> pad_a16_, pad_c16_;
    std::vector<std::vector<float>> scratch_;  // per worker: attention scores
};

// Row stride for a weight matrix with n columns: padded so rows of power-of-two widths (the fused gate/up of
// intermediate 2048 is 4096 wide) do not alias in the caches while the GEMM packs them.
inline int64_t weight_ld(int64_t n) {
    return n + 16;
}

// Table of (cos, sin) pairs per position for rotary embeddings with base `theta`.
std::vector<float> rope_table(int64_t positions, int64_t head_dim, double theta = 10000.0);

}  // namespace llmsim::bench
