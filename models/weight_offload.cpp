#include "models/weight_offload.hpp"

#include <algorithm>
#include <cmath>

#include "common/error.hpp"
#include "common/units.hpp"

namespace llmsim::models {

double window_union_fraction(double active_fraction, double exponent, int64_t tokens) {
    if (tokens <= 0) return 0;
    return std::min(1.0, active_fraction * std::pow(static_cast<double>(tokens), exponent));
}

double window_new_fraction(double active_fraction, double exponent, int32_t window_tokens, int64_t new_tokens) {
    if (new_tokens <= 0) return 0;
    return window_union_fraction(active_fraction, exponent, window_tokens + new_tokens) -
           window_union_fraction(active_fraction, exponent, window_tokens);
}

WeightOffloadPlan::WeightOffloadPlan(const ModelSpec& model, const Precision& prec, const WeightOffloadSpec& spec,
                                     const std::string& where)
    : spec_(spec) {
    if (model.moe.enabled()) {
        throw UsageError(where, model.id +
                                    " is a mixture of experts; the flash weights tier models dense FFN neurons "
                                    "(LLM in a flash) only");
    }
    LLMSIM_ASSERT(spec.dram_budget_bytes > 0, "weights tier without a memory budget");
    const double wbytes = prec.weight_bytes();
    model_bytes_ = static_cast<double>(model.param_count()) * wbytes;
    ffn_bytes_ = static_cast<double>(model.dense_mlp_params_per_layer()) * model.num_layers * wbytes;
    const double budget = spec.dram_budget_bytes;
    if (budget >= model_bytes_) {
        // Everything fits: no flash reads, no predictor needed.
        all_resident_ = true;
        resident_bytes_ = model_bytes_;
        resident_model_bytes_ = model_bytes_;
        chunk_bytes_ = static_cast<double>(model.hidden_size) * wbytes;
        return;
    }
    const double matrices = model.mlp == MlpKind::gated ? 3.0 : 2.0;
    if (!spec.sparse) {
        resident_bytes_ = budget;
        resident_model_bytes_ = budget;
        chunk_bytes_ = static_cast<double>(model.hidden_size) * static_cast<double>(model.intermediate_size) * wbytes;
        return;
    }
    predictor_bytes_ = spec.predictor_fraction * model_bytes_;
    const double fixed = model_bytes_ - ffn_bytes_ + predictor_bytes_;
    const double window = window_union_fraction(spec.active_fraction, spec.window_exponent, spec.window_tokens);
    const double needed = fixed + window * ffn_bytes_;
    if (budget < needed) {
        throw UsageError(where, "dram=" + units::format_bytes(budget) +
                                    " is below what sparse loading keeps in memory: " + units::format_bytes(needed) +
                                    " (non-FFN weights " + units::format_bytes(model_bytes_ - ffn_bytes_) +
                                    " + predictor " + units::format_bytes(predictor_bytes_) + " + window of " +
                                    std::to_string(spec.window_tokens) + " tokens " +
                                    units::format_bytes(window * ffn_bytes_) +
                                    "); raise dram, lower window or use load=naive");
    }
    const double ffn_resident = std::min(1.0, (budget - fixed) / ffn_bytes_);
    pinned_fraction_ = window < 1 ? (ffn_resident - window) / (1 - window) : 1.0;
    resident_bytes_ = fixed + ffn_resident * ffn_bytes_;
    resident_model_bytes_ = model_bytes_ - ffn_bytes_ + ffn_resident * ffn_bytes_;
    chunk_bytes_ = static_cast<double>(model.hidden_size) * wbytes * (spec.bundle ? matrices : 1.0);
}

double WeightOffloadPlan::load_bytes(int64_t tokens) const {
    if (all_resident_ || tokens <= 0) return 0;
    if (!spec_.sparse) return model_bytes_ - resident_bytes_;
    return window_new_fraction(spec_.active_fraction, spec_.window_exponent, spec_.window_tokens, tokens) *
           (1 - pinned_fraction_) * ffn_bytes_;
}

}  // namespace llmsim::models
