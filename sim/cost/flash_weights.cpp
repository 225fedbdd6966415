#include "sim/cost/flash_weights.hpp"

#include "common/error.hpp"

namespace llmsim::sim {

FlashWeights::FlashWeights(models::WeightOffloadPlan plan, hardware::FlashReadCurve curve, double host_link_bytes_per_s,
                           double memory_bytes_per_s)
    : plan_(std::move(plan)),
      curve_(std::move(curve)),
      host_link_bytes_per_s_(host_link_bytes_per_s),
      read_bytes_per_s_(curve_.bytes_per_s(plan_.chunk_bytes())) {
    LLMSIM_ASSERT(memory_bytes_per_s > 0, "flash weights on a device without memory bandwidth");
    if (plan_.spec().sparse && !plan_.all_resident())
        predictor_ns_ = plan_.predictor_bytes() / memory_bytes_per_s * 1e9;
}

double FlashWeights::pass_ns(int64_t tokens) const {
    const double bytes = plan_.load_bytes(tokens);
    double ns = bytes / read_bytes_per_s_ * 1e9 + predictor_ns_;
    if (host_link_bytes_per_s_ > 0) ns += bytes / host_link_bytes_per_s_ * 1e9;
    return ns;
}

}  // namespace llmsim::sim
