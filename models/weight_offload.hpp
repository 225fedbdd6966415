#pragma once
// Which weights stay in memory and how many bytes a pass must read from flash when a model's weights do not fit its
// memory budget (LLM in a flash, Alizadeh et al., ACL 2024). Bytes only: the flash device's read curve and the time
// live in hardware/ and sim/cost/flash_weights.*.
//
// Sparse loading (the paper's method): non-FFN weights (attention, embeddings, norms) and a low-rank activation
// predictor stay resident; the predictor names the FFN neurons a token activates and only those not already in memory
// are read. A neuron is one column of the up (and gate) projection and the matching row of the down projection.
// Windowing keeps the neurons of the last k tokens resident; their union is modelled as
//     U(k) = min(1, a * k^g)  (U(0) = 0),
// with a the fraction a token activates and g the window growth exponent, so n new tokens read U(k + n) - U(k) of
// the FFN (one token: the incremental fraction). g = 0.544 fits the paper's OPT-6.7B figures (Sec. 4.1: about 10% of
// FFN neurons active per token, 24% resident with k = 5) and then predicts 2.5% incremental per token (paper: 2.4%).
// Budget above the window pins further neurons, read never again. Row-column bundling stores a neuron's rows
// together, so each read is (matrices x hidden) elements instead of one row: twice the chunk for a plain MLP.
//
// Naive loading (the paper's baseline): as much of the model as fits stays resident and every other weight is read
// each pass, as whole matrices (sequential reads).
#include <cstdint>
#include <string>

#include "models/model_spec.hpp"
#include "models/precision.hpp"

namespace llmsim::models {

// Defaults of a weights tier's sparse-loading settings (the paper's OPT-6.7B setup).
inline constexpr double kDefaultActiveFraction = 0.10;       // FFN neurons a token activates (predicted)
inline constexpr int32_t kDefaultWindowTokens = 5;           // paper Sec. 4.1
inline constexpr double kDefaultPredictorFraction = 0.0125;  // predictor size / model size (paper Sec. 4.1: 1.25%)
inline constexpr double kDefaultWindowExponent = 0.544;      // g above, fitted to Sec. 4.1's 10% and 24% at k = 5
inline constexpr int32_t kMaxWindowTokens = 1 << 20;

struct WeightOffloadSpec {
    double dram_budget_bytes = 0;  // weights kept in the memory the device computes from
    bool sparse = true;            // false: the naive baseline
    double active_fraction = kDefaultActiveFraction;
    int32_t window_tokens = kDefaultWindowTokens;
    bool bundle = true;
    double predictor_fraction = kDefaultPredictorFraction;
    double window_exponent = kDefaultWindowExponent;
};

// The window model above: U(k) and the fraction n new tokens add to it.
double window_union_fraction(double active_fraction, double exponent, int64_t tokens);
double window_new_fraction(double active_fraction, double exponent, int32_t window_tokens, int64_t new_tokens);

class WeightOffloadPlan {
  public:
    // Throws UsageError at `where` when the spec cannot work for this model: an MoE model (experts are not neurons
    // the paper's predictor covers), or a sparse budget too small for the non-FFN weights, predictor and window.
    WeightOffloadPlan(const ModelSpec& model, const Precision& prec, const WeightOffloadSpec& spec,
                      const std::string& where);

    [[nodiscard]] const WeightOffloadSpec& spec() const { return spec_; }
    [[nodiscard]] double model_bytes() const { return model_bytes_; }
    [[nodiscard]] double ffn_bytes() const { return ffn_bytes_; }
    [[nodiscard]] double predictor_bytes() const { return predictor_bytes_; }
    // Bytes held in memory (model weights, predictor and window cache); never above the budget.
    [[nodiscard]] double resident_bytes() const { return resident_bytes_; }
    // Share of the model's weights in memory at any time (the window's neurons included).
    [[nodiscard]] double resident_fraction() const { return resident_model_bytes_ / model_bytes_; }
    [[nodiscard]] bool all_resident() const { return all_resident_; }
    // Size of each contiguous read: one neuron's row (or its bundle) when sparse, a whole matrix when naive.
    [[nodiscard]] double chunk_bytes() const { return chunk_bytes_; }
    // Bytes read from flash by a pass over `tokens` new tokens.
    [[nodiscard]] double load_bytes(int64_t tokens) const;

  private:
    WeightOffloadSpec spec_;
    double model_bytes_ = 0;
    double ffn_bytes_ = 0;
    double predictor_bytes_ = 0;
    double resident_bytes_ = 0;
    double resident_model_bytes_ = 0;
    double pinned_fraction_ = 0;  // of the FFN neurons outside the window, those held for good
    double chunk_bytes_ = 0;
    bool all_resident_ = false;
};

}  // namespace llmsim::models
