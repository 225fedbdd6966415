#include "tools/bench/transformer/tiny_llama.hpp"

#include <chrono>
#include <cmath>
#include <cstring>

#include "common/error.hpp"
#include "tools/bench/random_fill.hpp"

namespace llmsim::bench {
namespace {

using Clock = std::chrono::steady_clock;

// A weight matrix [rows x cols] stored with the padded row stride weight_ld(cols).
std::vector<float> random_matrix(int64_t rows, int64_t cols, uint64_t seed) {
    std::vector<float> w(static_cast<size_t>(rows * weight_ld(cols)));
    // Uniform with unit output variance for unit-variance inputs: activations stay O(1) through the layers.
    fill_uniform(w, std::sqrt(3.0f / static_cast<float>(rows)), seed);
    return w;
}

// Times one op and adds it to the op's running total.
class OpTimer {
  public:
    OpTimer(OpTimes& times, RealOp op) : times_(times), op_(op), start_(Clock::now()) {}
    ~OpTimer() {
        times_.ns[static_cast<size_t>(op_)] += std::chrono::duration<double, std::nano>(Clock::now() - start_).count();
    }
    OpTimer(const OpTimer&) = delete;
    OpTimer& operator=(const OpTimer&) = delete;

  private:
    OpTimes& times_;
    RealOp op_;
    Clock::time_point start_;
};

template <typename T>
void grow(std::vector<T>& v, int64_t n) {
    if (static_cast<int64_t>(v.size()) < n) v.resize(static_cast<size_t>(n));
}

}  // namespace

std::string_view real_op_name(RealOp op) {
    static constexpr std::array<std::string_view, kRealOpCount> names = {
        "embedding",     "input_norm",   "qkv_proj",       "rope",        "attn_prefill",
        "attn_decode",   "o_proj",       "post_attn_norm", "mlp_up_proj", "mlp_act",
        "mlp_down_proj", "residual_add", "final_norm",     "lm_head",     "sampling"};
    return names[static_cast<size_t>(op)];
}

double OpTimes::kernels_ns() const {
    double total = 0;
    for (size_t i = 0; i < kRealOpCount; ++i) {
        if (i != static_cast<size_t>(RealOp::sampling)) total += ns[i];
    }
    return total;
}

KvCache::KvCache(int32_t layers, int64_t kv_dim, int64_t capacity)
    : data_(new float[static_cast<size_t>(2 * layers * kv_dim * capacity)]),
      layer_stride_(kv_dim * capacity),
      capacity_(capacity) {
    // Touch every page now: first-touch page faults must not land inside timed attention kernels.
    std::memset(data_.get(), 0, static_cast<size_t>(2 * layers * kv_dim * capacity) * sizeof(float));
}

void TinyLlama::check_supported(const models::ModelSpec& s, const std::string& where) {
    std::string why;
    if (s.moe.enabled()) why = "mixture-of-experts layers";
    if (s.mlp != models::MlpKind::gated || s.activation != models::Activation::silu) why = "a non-SwiGLU MLP";
    if (s.norm != models::NormKind::rmsnorm) why = "LayerNorm";
    if (s.position != models::PositionKind::rope || (s.rotary_dim != 0 && s.rotary_dim != s.head_dim)) {
        why = "positions other than full rotary embeddings";
    }
    if (s.attention_bias || s.mlp_bias) why = "biases";
    if (s.parallel_residual || s.norms_per_layer != 2) why = "a parallel-residual block";
    if (s.sliding_window > 0) why = "sliding-window attention";
    if (s.head_dim % 2 != 0) why = "an odd head dimension";
    if (s.local_attention.enabled()) why = "local attention layers";
    if (s.mla.enabled()) why = "multi-head latent attention";
    if (s.qk_norm != models::QkNorm::none) why = "query/key norms";
    if (!why.empty()) {
        throw UsageError(where, "model " + s.id + " uses " + why +
                                    "; the real CPU transformer runs dense Llama-style decoders (e.g. llama-tiny-15m, "
                                    "llama-tiny-110m)");
    }
}

double TinyLlama::weight_bytes(const models::ModelSpec& s) {
    // Separate LM head even when tied (the op model prices its reads either way).
    return 4.0 * static_cast<double>(s.param_count() + (s.tied_embeddings ? s.vocab_size * s.hidden_size : 0));
}

TinyLlama::TinyLlama(const models::ModelSpec& spec, CpuKernels& kernels, uint64_t seed, const std::string& where)
    : spec_(spec),
      k_(kernels),
      h_(spec.hidden_size),
      q_dim_(spec.q_dim()),
      kv_dim_(spec.kv_dim()),
      inter_(spec.intermediate_size),
      vocab_(spec.vocab_size) {
    check_supported(spec, where);
    uint64_t s = seed * 1000003ULL + 17;
    embedding_.resize(static_cast<size_t>(vocab_ * h_));
    fill_uniform(embedding_, 1.0f, s++);
    for (int32_t l = 0; l < spec.num_layers; ++l) {
        Layer layer;
        layer.input_norm.assign(static_cast<size_t>(h_), 1.0f);
        layer.post_norm.assign(static_cast<size_t>(h_), 1.0f);
        layer.w_qkv = random_matrix(h_, q_dim_ + 2 * kv_dim_, s++);
        layer.w_o = random_matrix(q_dim_, h_, s++);
        layer.w_up = random_matrix(h_, 2 * inter_, s++);
        layer.w_down = random_matrix(inter_, h_, s++);
        layers_.push_back(std::move(layer));
    }
    final_norm_.assign(static_cast<size_t>(h_), 1.0f);
    lm_head_ = random_matrix(h_, vocab_, s++);
    rope_ = rope_table(spec.max_position, spec.head_dim);
}

std::unique_ptr<KvCache> TinyLlama::new_cache(int64_t capacity_tokens) const {
    return std::make_unique<KvCache>(spec_.num_layers, kv_dim_, capacity_tokens);
}

void TinyLlama::reserve(int64_t tokens, int64_t sampled) {
    ensure_buffers(tokens, sampled);
}

void TinyLlama::ensure_buffers(int64_t tokens, int64_t sampled) {
    grow(x_, tokens * h_);
    grow(xn_, tokens * h_);
    grow(qkv_, tokens * (q_dim_ + 2 * kv_dim_));
    grow(attn_, tokens * q_dim_);
    grow(proj_, tokens * h_);
    grow(gate_up_, tokens * 2 * inter_);
    grow(act_, tokens * inter_);
    grow(ids_, tokens);
    grow(positions_, tokens);
    grow(xs_, sampled * h_);
    grow(xsn_, sampled * h_);
    grow(logits_, sampled * vocab_);
    grow(argmax_, sampled);
}

void TinyLlama::forward(std::span<const SeqStep> steps, std::vector<int32_t>& sampled) {
    int64_t tokens = 0;
    int64_t n_sampled = 0;
    for (const auto& st : steps) {
        LLMSIM_ASSERT(st.new_tokens > 0 && st.kv != nullptr, "empty step in a forward pass");
        LLMSIM_ASSERT(st.context + st.new_tokens <= st.kv->capacity(), "KV cache too small for the step");
        LLMSIM_ASSERT(st.context + st.new_tokens <= spec_.max_position, "position beyond the model's context");
        tokens += st.new_tokens;
        n_sampled += st.samples ? 1 : 0;
    }
    LLMSIM_ASSERT(tokens > 0, "forward pass over no tokens");
    ensure_buffers(tokens, n_sampled);
    {
        int64_t row = 0;
        for (const auto& st : steps) {
            for (int32_t i = 0; i < st.new_tokens; ++i, ++row) {
                ids_[static_cast<size_t>(row)] = st.tokens[i];
                positions_[static_cast<size_t>(row)] = static_cast<int32_t>(st.context + i);
            }
        }
    }
    const int64_t ld_qkv = q_dim_ + 2 * kv_dim_;
    {
        OpTimer t(times_, RealOp::embedding);
        k_.gather(tokens, h_, embedding_.data(), ids_.data(), x_.data());
    }
    for (int32_t l = 0; l < spec_.num_layers; ++l) {
        Layer& w = layers_[static_cast<size_t>(l)];
        prefill_seqs_.clear();
        decode_seqs_.clear();
        int64_t row = 0;
        for (const auto& st : steps) {
            AttentionSeq a{row, st.new_tokens, st.context, st.kv->k(l), st.kv->v(l)};
            (st.prefill ? prefill_seqs_ : decode_seqs_).push_back(a);
            row += st.new_tokens;
        }
        {
            OpTimer t(times_, RealOp::input_norm);
            k_.rmsnorm(tokens, h_, x_.data(), w.input_norm.data(), xn_.data());
        }
        {
            OpTimer t(times_, RealOp::qkv_proj);
            k_.gemm(tokens, ld_qkv, h_, xn_.data(), w.w_qkv.data(), weight_ld(ld_qkv), qkv_.data());
        }
        {
            OpTimer t(times_, RealOp::rope);
            k_.rope(tokens, spec_.num_heads + spec_.num_kv_heads, spec_.head_dim, qkv_.data(), ld_qkv,
                    positions_.data(), rope_.data());
        }
        if (!prefill_seqs_.empty()) {
            OpTimer t(times_, RealOp::attn_prefill);
            k_.attention(prefill_seqs_, spec_.num_heads, spec_.num_kv_heads, spec_.head_dim, qkv_.data(), attn_.data());
        }
        if (!decode_seqs_.empty()) {
            OpTimer t(times_, RealOp::attn_decode);
            k_.attention(decode_seqs_, spec_.num_heads, spec_.num_kv_heads, spec_.head_dim, qkv_.data(), attn_.data());
        }
        {
            OpTimer t(times_, RealOp::o_proj);
            k_.gemm(tokens, h_, q_dim_, attn_.data(), w.w_o.data(), weight_ld(h_), proj_.data());
        }
        {
            OpTimer t(times_, RealOp::residual_add);
            k_.add(tokens * h_, x_.data(), proj_.data());
        }
        {
            OpTimer t(times_, RealOp::post_attn_norm);
            k_.rmsnorm(tokens, h_, x_.data(), w.post_norm.data(), xn_.data());
        }
        {
            OpTimer t(times_, RealOp::mlp_up_proj);
            k_.gemm(tokens, 2 * inter_, h_, xn_.data(), w.w_up.data(), weight_ld(2 * inter_), gate_up_.data());
        }
        {
            OpTimer t(times_, RealOp::mlp_act);
            k_.silu_mul(tokens, inter_, gate_up_.data(), act_.data());
        }
        {
            OpTimer t(times_, RealOp::mlp_down_proj);
            k_.gemm(tokens, h_, inter_, act_.data(), w.w_down.data(), weight_ld(h_), proj_.data());
        }
        {
            OpTimer t(times_, RealOp::residual_add);
            k_.add(tokens * h_, x_.data(), proj_.data());
        }
    }
    last_sampled_ = n_sampled;
    if (n_sampled == 0) return;
    {
        OpTimer t(times_, RealOp::final_norm);
        int64_t row = 0;
        int64_t s = 0;
        for (const auto& st : steps) {
            row += st.new_tokens;
            if (!st.samples) continue;
            std::memcpy(xs_.data() + s * h_, x_.data() + (row - 1) * h_, static_cast<size_t>(h_) * sizeof(float));
            ++s;
        }
        k_.rmsnorm(n_sampled, h_, xs_.data(), final_norm_.data(), xsn_.data());
    }
    {
        OpTimer t(times_, RealOp::lm_head);
        k_.gemm(n_sampled, vocab_, h_, xsn_.data(), lm_head_.data(), weight_ld(vocab_), logits_.data());
    }
    {
        OpTimer t(times_, RealOp::sampling);
        k_.argmax_rows(n_sampled, vocab_, logits_.data(), argmax_.data());
        sampled.insert(sampled.end(), argmax_.begin(), argmax_.begin() + n_sampled);
    }
}

std::span<const float> TinyLlama::last_logits() const {
    return {logits_.data(), static_cast<size_t>(last_sampled_ * vocab_)};
}

}  // namespace llmsim::bench
