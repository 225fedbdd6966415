#include "tools/bench/cpu/cpu_case_runner.hpp"

#include <unistd.h>

#include <algorithm>

#include "common/error.hpp"
#include "tools/bench/random_fill.hpp"

namespace llmsim::bench {
namespace {

using hardware::Measurement;

// Bytes a rotation must cycle through to defeat the last-level cache.
int64_t cold_working_set_bytes() {
    const long llc = sysconf(_SC_LEVEL3_CACHE_SIZE);
    // Virtual machines report odd values (0, or the whole host's cache); 4x a plausible LLC, within bounds.
    const int64_t assumed = llc > 0 ? std::min<int64_t>(llc, 64LL << 20) : (32LL << 20);
    return std::max<int64_t>(4 * assumed, 128LL << 20);
}

// A large buffer handing out disjoint read-mostly slots in turn, so consecutive calls touch memory that has left
// the caches. Contents are random (finite, non-denormal).
template <typename T>
class ColdArena {
  public:
    ColdArena() = default;
    void reserve(int64_t elements, uint64_t seed) {
        if (static_cast<int64_t>(data_.size()) >= elements) return;
        data_.resize(static_cast<size_t>(elements));
        if constexpr (std::is_same_v<T, float>) {
            fill_uniform(data_, 1.0f, seed);
        } else {
            fill_uniform_bf16(data_, 1.0f, seed);
        }
    }
    // Slot `index` of `elements` elements (wraps around the arena).
    T* slot(int64_t index, int64_t elements) {
        const auto size = static_cast<int64_t>(data_.size());
        LLMSIM_ASSERT(elements <= size, "arena smaller than one operand");
        const int64_t stride = (elements + 1023) / 1024 * 1024 + 1024;
        const int64_t room = size - elements;
        const int64_t slots = std::max<int64_t>(1, room / stride + 1);
        return data_.data() + (index % slots) * stride;
    }
    [[nodiscard]] bool empty() const { return data_.empty(); }

  private:
    std::vector<T> data_;
};

template <typename T>
T* hot(std::vector<T>& v, int64_t elements, uint64_t seed) {
    if (static_cast<int64_t>(v.size()) < elements) {
        v.resize(static_cast<size_t>(elements));
        if constexpr (std::is_same_v<T, float>) {
            fill_uniform(v, 1.0f, seed);
        } else if constexpr (std::is_same_v<T, uint16_t>) {
            fill_uniform_bf16(v, 1.0f, seed);
        }
    }
    return v.data();
}

class Runner {
  public:
    Runner(const std::vector<KernelCase>& cases, const std::vector<models::ModelSpec>& families,
           const CpuRunOptions& opt)
        : families_(families), opt_(opt), k_(opt.threads) {
        int64_t cold_f32 = 0;
        int64_t cold_bf16 = 0;
        for (const auto& c : cases) {
            int64_t& need = c.row.dtype == DType::bf16 ? cold_bf16 : cold_f32;
            need = std::max(need, cold_elements(c));
        }
        const int64_t working = cold_working_set_bytes();
        if (cold_f32 > 0) f32_.reserve(std::max(working / 4, 2 * cold_f32) + cold_f32, 11);
        if (cold_bf16 > 0) bf16_.reserve(std::max(working / 2, 2 * cold_bf16) + cold_bf16, 13);
    }

    Measurement run(const KernelCase& c) {
        Measurement m = c.row;
        m.device = opt_.device;
        m.backend = "cpu";
        m.threads = k_.threads();
        const TimingResult r = time_case(c);
        m.time_ns_median = r.median_ns;
        m.time_ns_min = r.min_ns;
        m.repeats = r.repeats;
        return m;
    }

  private:
    const models::ModelSpec* family(const KernelCase& c) const {
        return c.family >= 0 ? &families_[static_cast<size_t>(c.family)] : nullptr;
    }

    // Elements of the operand that is read cold per call (weights, KV caches, the embedding table).
    int64_t cold_elements(const KernelCase& c) const {
        const auto& r = c.row;
        if (r.op_class == OpClass::gemm) return r.k * weight_ld(r.n);
        const auto* f = family(c);
        if (f == nullptr) return 0;
        if (r.op_name == "embedding") return f->vocab_size * f->hidden_size;
        if (r.op_class == OpClass::attn_prefill || r.op_class == OpClass::attn_decode) {
            return 2 * c.seqs * (c.context + c.new_tokens) * f->kv_dim();
        }
        return 0;
    }

    TimingResult time_case(const KernelCase& c) {
        const auto& r = c.row;
        switch (c.kind) {
            case CaseKind::stream_copy: {
                float* src = hot(a_, c.elements, 1);
                float* dst = hot(b_, c.elements, 2);
                return time_kernel([&](int64_t) { k_.copy(c.elements, src, dst); }, opt_.timing);
            }
            case CaseKind::stream_triad: {
                float* a = hot(a_, c.elements, 1);
                float* b = hot(b_, c.elements, 2);
                float* cc = hot(c_, c.elements, 3);
                return time_kernel([&](int64_t) { k_.triad(c.elements, a, b, cc, 0.5f); }, opt_.timing);
            }
            case CaseKind::square_gemm:
            case CaseKind::model_op:
                break;
            default:
                LLMSIM_ASSERT(false, "case kind not runnable on the CPU backend");
        }
        if (r.op_class == OpClass::gemm) return time_gemm(r);
        const models::ModelSpec& f = *family(c);
        const int64_t h = f.hidden_size;
        const int64_t t = c.new_tokens;
        if (r.op_name == "embedding") {
            // Fresh token ids per call: a pass gathers rows it has not touched recently.
            float* table = f32_.slot(0, f.vocab_size * h);
            constexpr int64_t kIdSets = 16;
            int32_t* ids = hot(ids_, kIdSets * t, 0);
            uint64_t state = 12345;
            for (int64_t i = 0; i < kIdSets * t; ++i) {
                state = state * 6364136223846793005ULL + 1442695040888963407ULL;
                ids[i] = static_cast<int32_t>((state >> 33) % static_cast<uint64_t>(f.vocab_size));
            }
            float* out = hot(b_, t * h, 2);
            return time_kernel([&](int64_t rep) { k_.gather(t, h, table, ids + (rep % kIdSets) * t, out); },
                               opt_.timing);
        }
        if (r.op_name == "input_norm" || r.op_name == "post_attn_norm" || r.op_name == "final_norm") {
            float* x = hot(a_, t * h, 1);
            float* w = hot(w_, h, 4);
            float* out = hot(b_, t * h, 2);
            return time_kernel([&](int64_t) { k_.rmsnorm(t, h, x, w, out); }, opt_.timing);
        }
        if (r.op_name == "residual_add") {
            float* x = hot(a_, t * h, 1);
            float* y = hot(b_, t * h, 2);
            return time_kernel([&](int64_t) { k_.add(t * h, x, y); }, opt_.timing);
        }
        if (r.op_name == "mlp_act") {
            const int64_t inter = f.intermediate_size;
            float* gu = hot(a_, t * 2 * inter, 1);
            float* out = hot(b_, t * inter, 2);
            return time_kernel([&](int64_t) { k_.silu_mul(t, inter, gu, out); }, opt_.timing);
        }
        const int64_t ld_qkv = f.q_dim() + 2 * f.kv_dim();
        if (r.op_name == "rope") {
            if (rope_head_dim_ != f.head_dim || rope_positions_ < f.max_position) {
                rope_ = rope_table(f.max_position, f.head_dim);
                rope_head_dim_ = f.head_dim;
                rope_positions_ = f.max_position;
            }
            float* x = hot(a_, t * ld_qkv, 1);
            int32_t* pos = hot(ids_, t, 0);
            for (int64_t i = 0; i < t; ++i)
                pos[i] = static_cast<int32_t>(i % f.max_position);
            return time_kernel(
                [&](int64_t) { k_.rope(t, f.num_heads + f.num_kv_heads, f.head_dim, x, ld_qkv, pos, rope_.data()); },
                opt_.timing);
        }
        if (r.op_class == OpClass::attn_prefill || r.op_class == OpClass::attn_decode) {
            const int64_t kv_dim = f.kv_dim();
            const int64_t len = c.context + t;
            float* qkv = hot(a_, c.seqs * t * ld_qkv, 1);
            float* out = hot(b_, c.seqs * t * f.q_dim(), 2);
            std::vector<AttentionSeq> seqs(static_cast<size_t>(c.seqs));
            return time_kernel(
                [&](int64_t rep) {
                    // Each call attends over caches it has not read recently (one cold slot per sequence).
                    float* base = f32_.slot(rep, 2 * c.seqs * len * kv_dim);
                    for (int64_t s = 0; s < c.seqs; ++s) {
                        float* kc = base + 2 * s * len * kv_dim;
                        seqs[static_cast<size_t>(s)] = {s * t, t, c.context, kc, kc + len * kv_dim};
                    }
                    k_.attention(seqs, f.num_heads, f.num_kv_heads, f.head_dim, qkv, out);
                },
                opt_.timing);
        }
        LLMSIM_ASSERT(false, "no CPU kernel for op " + r.op_name);
        return {};
    }

    TimingResult time_gemm(const Measurement& r) {
        const int64_t m = r.m;
        const int64_t n = r.n;
        const int64_t k = r.k;
        if (r.dtype == DType::bf16) {
            uint16_t* a = hot(a16_, m * k, 1);
            uint16_t* c = hot(c16_, m * n, 3);
            return time_kernel(
                [&](int64_t rep) { k_.gemm_bf16(m, n, k, a, bf16_.slot(rep, k * weight_ld(n)), weight_ld(n), c); },
                opt_.timing);
        }
        LLMSIM_ASSERT(r.dtype == DType::fp32, "the CPU backend runs fp32 and bf16 GEMMs");
        float* a = hot(a_, m * k, 1);
        float* c = hot(c_, m * n, 3);
        return time_kernel([&](int64_t rep) { k_.gemm(m, n, k, a, f32_.slot(rep, k * weight_ld(n)), weight_ld(n), c); },
                           opt_.timing);
    }

    const std::vector<models::ModelSpec>& families_;
    CpuRunOptions opt_;
    CpuKernels k_;
    ColdArena<float> f32_;
    ColdArena<uint16_t> bf16_;
    std::vector<float> a_, b_, c_, w_, rope_;
    std::vector<uint16_t> a16_, c16_;
    std::vector<int32_t> ids_;
    int32_t rope_head_dim_ = 0;
    int64_t rope_positions_ = 0;
};

}  // namespace

std::vector<Measurement> run_cpu_cases(const std::vector<KernelCase>& cases,
                                       const std::vector<models::ModelSpec>& families, const CpuRunOptions& options,
                                       const CaseProgress& progress) {
    Runner runner(cases, families, options);
    std::vector<Measurement> rows;
    rows.reserve(cases.size());
    for (size_t i = 0; i < cases.size(); ++i) {
        rows.push_back(runner.run(cases[i]));
        if (progress) progress(i + 1, cases.size(), rows.back());
    }
    return rows;
}

}  // namespace llmsim::bench
