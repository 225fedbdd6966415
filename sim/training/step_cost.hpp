#pragma once
// Prices the training op lists (models/training_ops) on a device and topology: per-layer forward, backward and
// recomputation times for one micro-batch, with communication split by parallel axis and the exposed part left
// after the configured overlap. Results are memoised by everything they depend on, so a layout search prices
// each distinct (tp, cp, ep, micro-batch, ...) shape once.
#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "hardware/collectives.hpp"
#include "hardware/cost_model.hpp"
#include "models/training_ops.hpp"
#include "sim/training/stage_layout.hpp"
#include "sim/training/training_config.hpp"

namespace llmsim::sim {

inline constexpr size_t kCommAxes = 6;  // indexed by models::CommAxis

struct PassTime {
    double compute_ns = 0;
    double gemm_ns = 0;                       // GEMM part of compute: the window TP/EP overlap hides behind
    double attention_ns = 0;                  // attention kernels: the window ring-attention KV exchange hides behind
    std::array<double, kCommAxes> comm_ns{};  // communication issued
    std::array<double, kCommAxes> exposed_ns{};  // what is left on the critical path

    [[nodiscard]] double exposed_total_ns() const;
    [[nodiscard]] double total_ns() const { return compute_ns + exposed_total_ns(); }
    PassTime& operator+=(const PassTime& o);
    [[nodiscard]] PassTime scaled(double f) const;
};

// One micro-batch through one layer (and the first/last-stage extras), per GPU.
struct LayerCosts {
    PassTime forward;
    PassTime backward;
    PassTime recompute_selective;  // the attention core's forward again
    PassTime recompute_full;       // the whole layer forward again
    PassTime first_forward;        // embedding
    PassTime first_backward;
    PassTime last_forward;  // final norm, LM head, loss
    PassTime last_backward;
    double p2p_bytes = 0;  // activation (or gradient) each GPU sends to the next pipeline stage

    [[nodiscard]] const PassTime& recompute(models::Recompute r) const;
};

// Per-op detail for reports (`llmsim train --explain`).
struct OpTime {
    models::TrainingOp op;
    double time_ns = 0;
    hardware::Bound bound = hardware::Bound::overhead;
};

class StepCostModel {
  public:
    StepCostModel(const models::ModelSpec& model, const hardware::CostModel& hardware,
                  const hardware::CollectiveModel& collectives);

    [[nodiscard]] const LayerCosts& layer_costs(const TrainingConfig& cfg);
    // Time of `calls` collectives of `bytes` on a group, memoised.
    [[nodiscard]] double collective_ns(CollectiveKind kind, double bytes, const GroupSpec& group,
                                       hardware::CollectiveAlgo algo, int32_t calls = 1);
    // Point-to-point transfer between consecutive pipeline stages for this layout.
    [[nodiscard]] double p2p_ns(const TrainingConfig& cfg);
    [[nodiscard]] std::vector<OpTime> explain(const TrainingConfig& cfg, bool backward);

    [[nodiscard]] const models::ModelSpec& model() const { return model_; }
    [[nodiscard]] const hardware::CostModel& hardware() const { return hardware_; }
    [[nodiscard]] const hardware::CollectiveModel& collectives() const { return collectives_; }

  private:
    [[nodiscard]] double op_ns(const models::TrainingOp& op, const LayoutGroups& groups, hardware::CollectiveAlgo algo,
                               hardware::Bound* bound = nullptr);
    PassTime price(const std::vector<models::TrainingOp>& ops, const TrainingConfig& cfg, bool backward,
                   bool attention_core_only);

    const models::ModelSpec& model_;
    const hardware::CostModel& hardware_;
    const hardware::CollectiveModel& collectives_;
    std::map<std::string, std::unique_ptr<LayerCosts>> layer_cache_;
    std::map<std::tuple<int, double, int32_t, int32_t, int32_t, int>, double> collective_cache_;
};

// Precision of a training run: 16-bit (or fp32) parameters and activations, GEMMs in `dtype` (fp8 GEMMs keep
// bf16 parameters and activations, as Transformer Engine does).
models::Precision training_precision(DType dtype);

}  // namespace llmsim::sim
