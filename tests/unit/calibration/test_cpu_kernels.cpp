// The CPU backend's kernels against naive reference implementations, single- and multi-threaded.
#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

#include "tools/bench/cpu/cpu_kernels.hpp"
#include "tools/bench/random_fill.hpp"

namespace {

using llmsim::bench::AttentionSeq;
using llmsim::bench::CpuKernels;

std::vector<float> random_vec(size_t n, uint64_t seed) {
    std::vector<float> v(n);
    llmsim::bench::fill_uniform(v, 1.0f, seed);
    return v;
}

// Causal attention of one head: query i (absolute position ctx + i) sees keys 0..ctx+i.
void naive_attention(int64_t t, int64_t ctx, int64_t d, const float* q, int64_t ldq, const float* k, const float* v,
                     int64_t ldkv, float* out, int64_t ldo) {
    const float scale = 1.0f / std::sqrt(static_cast<float>(d));
    for (int64_t i = 0; i < t; ++i) {
        const int64_t visible = ctx + i + 1;
        std::vector<double> s(static_cast<size_t>(visible));
        double mx = -1e30;
        for (int64_t j = 0; j < visible; ++j) {
            double dot = 0;
            for (int64_t x = 0; x < d; ++x)
                dot += q[i * ldq + x] * k[j * ldkv + x];
            s[static_cast<size_t>(j)] = dot * scale;
            mx = std::max(mx, s[static_cast<size_t>(j)]);
        }
        double sum = 0;
        for (auto& e : s)
            sum += (e = std::exp(e - mx));
        for (int64_t x = 0; x < d; ++x) {
            double acc = 0;
            for (int64_t j = 0; j < visible; ++j)
                acc += s[static_cast<size_t>(j)] / sum * v[j * ldkv + x];
            out[i * ldo + x] = static_cast<float>(acc);
        }
    }
}

}  // namespace

TEST_CASE("calibration: CPU GEMM matches a naive product when split over threads", "[calibration][bench]") {
    for (int threads : {1, 3}) {
        CpuKernels k(threads);
        for (int64_t m : {1, 5}) {
            const int64_t n = 300;
            const int64_t kk = 70;
            const int64_t ld = llmsim::bench::weight_ld(n);
            const auto a = random_vec(static_cast<size_t>(m * kk), 1);
            const auto w = random_vec(static_cast<size_t>(kk * ld), 2);
            std::vector<float> c(static_cast<size_t>(m * n));
            k.gemm(m, n, kk, a.data(), w.data(), ld, c.data());
            for (int64_t i = 0; i < m; ++i) {
                for (int64_t j = 0; j < n; ++j) {
                    double ref = 0;
                    for (int64_t x = 0; x < kk; ++x) {
                        ref += a[static_cast<size_t>(i * kk + x)] * w[static_cast<size_t>(x * ld + j)];
                    }
                    REQUIRE(c[static_cast<size_t>(i * n + j)] == Approx(ref).margin(1e-4));
                }
            }
        }
    }
}

TEST_CASE("calibration: CPU bf16 GEMM agrees with fp32 to bf16 precision", "[calibration][bench]") {
    CpuKernels k(2);
    const int64_t m = 4;
    const int64_t n = 128;
    const int64_t kk = 32;
    std::vector<uint16_t> a(static_cast<size_t>(m * kk));
    std::vector<uint16_t> w(static_cast<size_t>(kk * n));
    llmsim::bench::fill_uniform_bf16(a, 1.0f, 3);
    llmsim::bench::fill_uniform_bf16(w, 1.0f, 4);
    std::vector<uint16_t> c(static_cast<size_t>(m * n));
    k.gemm_bf16(m, n, kk, a.data(), w.data(), n, c.data());
    auto f = [](uint16_t b) { return std::bit_cast<float>(static_cast<uint32_t>(b) << 16); };
    for (int64_t j = 0; j < n; ++j) {
        double ref = 0;
        for (int64_t x = 0; x < kk; ++x)
            ref += f(a[static_cast<size_t>(x)]) * f(w[static_cast<size_t>(x * n + j)]);
        REQUIRE(f(c[static_cast<size_t>(j)]) == Approx(ref).margin(0.1));
    }
}

TEST_CASE("calibration: CPU attention appends to the cache and matches naive causal attention",
          "[calibration][bench]") {
    const int32_t heads = 4;
    const int32_t kv_heads = 2;  // grouped-query attention
    const int32_t d = 8;
    const int64_t q_dim = heads * d;
    const int64_t kv_dim = kv_heads * d;
    const int64_t ld = q_dim + 2 * kv_dim;
    // Two sequences: a chunk of 3 tokens over 5 cached, and a single decode token over 7 cached.
    const std::vector<std::pair<int64_t, int64_t>> shape = {{3, 5}, {1, 7}};
    const int64_t rows = 4;
    const auto qkv = random_vec(static_cast<size_t>(rows * ld), 5);
    std::vector<std::vector<float>> kc;
    std::vector<std::vector<float>> vc;
    std::vector<AttentionSeq> seqs;
    int64_t row = 0;
    for (size_t s = 0; s < shape.size(); ++s) {
        const auto [t, ctx] = shape[s];
        kc.push_back(random_vec(static_cast<size_t>((ctx + t) * kv_dim), 10 + s));
        vc.push_back(random_vec(static_cast<size_t>((ctx + t) * kv_dim), 20 + s));
        row += t;
    }
    row = 0;
    for (size_t s = 0; s < shape.size(); ++s) {
        seqs.push_back({row, shape[s].first, shape[s].second, kc[s].data(), vc[s].data()});
        row += shape[s].first;
    }
    for (int threads : {1, 2}) {
        CpuKernels k(threads);
        std::vector<float> out(static_cast<size_t>(rows * q_dim));
        k.attention(seqs, heads, kv_heads, d, qkv.data(), out.data());
        for (const auto& a : seqs) {
            // New keys landed in the cache.
            for (int64_t i = 0; i < a.new_tokens; ++i) {
                REQUIRE(a.k_cache[(a.context + i) * kv_dim + 3] ==
                        qkv[static_cast<size_t>((a.q_row + i) * ld + q_dim + 3)]);
            }
            for (int32_t h = 0; h < heads; ++h) {
                const int64_t kvh = h / (heads / kv_heads);
                std::vector<float> ref(static_cast<size_t>(a.new_tokens * d));
                naive_attention(a.new_tokens, a.context, d, qkv.data() + a.q_row * ld + h * d, ld, a.k_cache + kvh * d,
                                a.v_cache + kvh * d, kv_dim, ref.data(), d);
                for (int64_t i = 0; i < a.new_tokens; ++i) {
                    for (int32_t x = 0; x < d; ++x) {
                        REQUIRE(out[static_cast<size_t>((a.q_row + i) * q_dim + h * d + x)] ==
                                Approx(ref[static_cast<size_t>(i * d + x)]).margin(1e-4));
                    }
                }
            }
        }
    }
}

TEST_CASE("calibration: CPU element-wise kernels", "[calibration][bench]") {
    CpuKernels k(2);
    const int64_t rows = 3;
    const int64_t cols = 16;
    const auto x = random_vec(static_cast<size_t>(rows * cols), 7);
    std::vector<float> w(static_cast<size_t>(cols), 2.0f);
    std::vector<float> out(x.size());
    k.rmsnorm(rows, cols, x.data(), w.data(), out.data());
    double ss = 0;
    for (int64_t c = 0; c < cols; ++c)
        ss += x[static_cast<size_t>(c)] * x[static_cast<size_t>(c)];
    REQUIRE(out[1] == Approx(2.0 * x[1] / std::sqrt(ss / cols + 1e-5)).epsilon(1e-4));

    std::vector<float> gate_up = {1.0f, -2.0f, 3.0f, 4.0f};  // one row: gate (1, -2), up (3, 4)
    std::vector<float> act(2);
    k.silu_mul(1, 2, gate_up.data(), act.data());
    REQUIRE(act[0] == Approx(1.0 / (1.0 + std::exp(-1.0)) * 3.0).epsilon(1e-5));
    REQUIRE(act[1] == Approx(-2.0 / (1.0 + std::exp(2.0)) * 4.0).epsilon(1e-5));

    // Rotary embedding at position 0 is the identity; at position p rotates pair i by p * theta^(-2i/d).
    const auto table = llmsim::bench::rope_table(4, 4);
    std::vector<float> v = {1, 0, 1, 0};
    const int32_t pos = 3;
    k.rope(1, 1, 4, v.data(), 4, &pos, table.data());
    REQUIRE(v[0] == Approx(std::cos(3.0)).margin(1e-6));
    REQUIRE(v[1] == Approx(std::sin(3.0)).margin(1e-6));
    REQUIRE(v[2] == Approx(std::cos(3.0 * 0.01)).margin(1e-6));

    std::vector<float> big(100000, 1.0f);
    std::vector<float> one(100000, 2.0f);
    k.add(static_cast<int64_t>(big.size()), big.data(), one.data());
    REQUIRE(big.front() == 3.0f);
    REQUIRE(big.back() == 3.0f);

    std::vector<float> logits = {0.1f, 0.9f, 0.3f, 5.0f, -1.0f, 2.0f};
    std::vector<int32_t> best(2);
    k.argmax_rows(2, 3, logits.data(), best.data());
    REQUIRE(best[0] == 1);
    REQUIRE(best[1] == 0);
}

TEST_CASE("calibration: Thread pool covers every index exactly once", "[calibration][bench]") {
    llmsim::bench::ThreadPool pool(3);
    for (int64_t n : {1, 7, 1000}) {
        std::vector<int> hits(static_cast<size_t>(n), 0);
        pool.parallel_for(n, 4, [&](int64_t b, int64_t e) {
            for (int64_t i = b; i < e; ++i)
                hits[static_cast<size_t>(i)]++;
        });
        for (int h : hits)
            REQUIRE(h == 1);
        std::vector<int> items(static_cast<size_t>(n), 0);
        pool.parallel_items(n, [&](int64_t i, int32_t) { items[static_cast<size_t>(i)]++; });
        for (int h : items)
            REQUIRE(h == 1);
    }
}
