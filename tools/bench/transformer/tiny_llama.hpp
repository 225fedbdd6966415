#pragma once
// A Llama-architecture decoder with random fp32 weights run by the CPU kernels: the real batched transformer behind
// `llmsim bench serve`. One forward pass executes exactly the op list models::build_forward_ops prices (embedding;
// per layer input_norm, qkv_proj, rope, attn_prefill, attn_decode, o_proj, post_attn_norm, mlp_up_proj, mlp_act,
// mlp_down_proj, residual_add x2; final_norm and lm_head on the sampled rows), then greedy sampling.
#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "models/model_spec.hpp"
#include "tools/bench/cpu/cpu_kernels.hpp"

namespace llmsim::bench {

// Keys and values of one sequence for every layer, `capacity` positions each.
class KvCache {
  public:
    KvCache(int32_t layers, int64_t kv_dim, int64_t capacity);
    [[nodiscard]] float* k(int32_t layer) { return data_.get() + (2 * static_cast<int64_t>(layer)) * layer_stride_; }
    [[nodiscard]] float* v(int32_t layer) {
        return data_.get() + (2 * static_cast<int64_t>(layer) + 1) * layer_stride_;
    }
    [[nodiscard]] int64_t capacity() const { return capacity_; }

  private:
    std::unique_ptr<float[]> data_;
    int64_t layer_stride_;
    int64_t capacity_;
};

// One sequence's work in a pass: `new_tokens` token ids at positions context .. context + new_tokens - 1.
struct SeqStep {
    const int32_t* tokens = nullptr;
    int32_t new_tokens = 0;
    int64_t context = 0;
    KvCache* kv = nullptr;
    bool prefill = false;  // prefill chunk (attn_prefill) or decode token (attn_decode)
    bool samples = false;  // the pass samples this sequence's next token from its last row
};

enum class RealOp {
    embedding,
    input_norm,
    qkv_proj,
    rope,
    attn_prefill,
    attn_decode,
    o_proj,
    post_attn_norm,
    mlp_up_proj,
    mlp_act,
    mlp_down_proj,
    residual_add,
    final_norm,
    lm_head,
    sampling,  // host work outside the op model (greedy argmax over the vocabulary)
};
inline constexpr size_t kRealOpCount = static_cast<size_t>(RealOp::sampling) + 1;
std::string_view real_op_name(RealOp op);

// Time spent in each op over all passes (ns, whole model: per-layer ops summed over layers).
struct OpTimes {
    std::array<double, kRealOpCount> ns{};
    [[nodiscard]] double kernels_ns() const;  // everything except sampling
};

class TinyLlama {
  public:
    // Throws UsageError(where, ...) for architectures this executor does not implement (see supported()).
    TinyLlama(const models::ModelSpec& spec, CpuKernels& kernels, uint64_t seed, const std::string& where);

    // Dense Llama-style decoders only: RMSNorm, full RoPE, gated SiLU MLP, no biases, no sliding window, no MoE.
    static void check_supported(const models::ModelSpec& spec, const std::string& where);
    static double weight_bytes(const models::ModelSpec& spec);

    [[nodiscard]] const models::ModelSpec& spec() const { return spec_; }
    [[nodiscard]] std::unique_ptr<KvCache> new_cache(int64_t capacity_tokens) const;

    // Sizes the activation buffers for passes of up to `tokens` tokens and `sampled` sampled rows, so the first
    // large pass does not pay for allocation and page faults inside the timed loop.
    void reserve(int64_t tokens, int64_t sampled);
    // One pass over `steps`; appends the sampled token of every sampling step (in step order) to `sampled`.
    void forward(std::span<const SeqStep> steps, std::vector<int32_t>& sampled);
    // Logits of the sampled rows of the last pass ([sampled x vocab]), for tests.
    [[nodiscard]] std::span<const float> last_logits() const;

    [[nodiscard]] const OpTimes& op_times() const { return times_; }
    void reset_op_times() { times_ = OpTimes{}; }

  private:
    struct Layer {
        std::vector<float> input_norm, post_norm;
        std::vector<float> w_qkv, w_o, w_up, w_down;
    };
    void ensure_buffers(int64_t tokens, int64_t sampled);

    models::ModelSpec spec_;
    CpuKernels& k_;
    int64_t h_, q_dim_, kv_dim_, inter_, vocab_;
    std::vector<Layer> layers_;
    std::vector<float> embedding_, final_norm_, lm_head_, rope_;
    // Activations, grown to the largest pass seen.
    std::vector<float> x_, xn_, qkv_, attn_, proj_, gate_up_, act_, xs_, xsn_, logits_;
    std::vector<int32_t> ids_, positions_, argmax_;
    std::vector<AttentionSeq> prefill_seqs_, decode_seqs_;
    int64_t last_sampled_ = 0;
    OpTimes times_;
};

}  // namespace llmsim::bench
