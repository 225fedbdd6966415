#pragma once
// Cost of one forward pass of a model replica on a device: the models/ op list priced by the hardware cost model
// (kernels: calibrated roofline; collectives: the topology-aware collective model on the replica's groups, see
// replica_collectives.hpp), plus host framework overhead. `breakdown` explains a pass op by op (llmsim cost); `pass` is
// the simulator's fast path: token-count-dependent parts are memoised, attention is priced from the batch aggregates in
// O(1).
#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "hardware/cost_model.hpp"
#include "models/batch_shape.hpp"
#include "models/kv_retention.hpp"
#include "models/layer_ops.hpp"
#include "models/model_spec.hpp"
#include "models/parallel.hpp"
#include "models/precision.hpp"
#include "sim/cost/flash_weights.hpp"
#include "sim/cost/framework_overhead.hpp"
#include "sim/cost/kernel_execution.hpp"
#include "sim/cost/replica_collectives.hpp"

namespace llmsim::sim {

struct Deployment {
    models::ModelSpec model;
    models::InferenceParallel parallel;
    models::Precision precision;
    models::ShardShape shard;          // derived by make_deployment
    models::KvRetention kv_retention;  // a KV policy's effect on what is kept and read (inactive: none)
    double resident_weight_bytes = 0;  // a flash weights tier's in-memory weights per GPU (0: all weights resident)

    [[nodiscard]] int32_t gpus() const { return parallel.gpus(); }
};

// Validates the split (TP divides heads, ...) and that the device supports the math dtype.
Deployment make_deployment(const models::ModelSpec& model, const models::InferenceParallel& par,
                           const models::Precision& prec, const hardware::DeviceSpec& device);

struct OpTiming {
    models::Op op;
    hardware::OpCost cost;
};

struct ForwardBreakdown {
    std::vector<OpTiming> ops;          // per-layer ops listed once; see op.scope and op.layers
    double layer_time_ns = 0;           // one layer (sum of per-layer ops); the mean layer when layers differ
    std::vector<double> stage_time_ns;  // each pipeline stage's busy time
    double pp_transfer_ns = 0;          // activation transfer at one stage boundary
    double forward_time_ns = 0;         // one batch through all stages
    double framework_overhead_ns = 0;
    double weight_load_ns = 0;  // weights read from a flash tier before the pass (0 without one)
    double total_time_ns = 0;   // forward + framework overhead + weight loads
};

// Cost of one pass split the way a pipeline needs it.
struct PassCost {
    double per_layer_ns = 0;  // ops every layer runs
    // Ops only some layers run (indexed by models::OpLayers; entry `all` unused), for models whose layers differ.
    std::array<double, models::kOpLayerKinds> kind_ns{};
    double first_stage_extra_ns = 0;  // embedding
    double last_stage_extra_ns = 0;   // final norm + LM head
    double boundary_ns = 0;           // send/recv between consecutive stages
    double overhead_ns = 0;           // host framework overhead (once per iteration)
    double attention_ns = 0;          // attention part of per_layer_ns (for reports; the all-layer part)
    double weight_load_ns = 0;        // weights read from a flash tier before the pass (0 without one)
    // Fractions of per_layer_ns in which the math units and the memory bus are the busy resource (sum of the ops'
    // roofline compute and memory times over their total); the power model reads them (hardware/power_model.hpp).
    double compute_share = 0;
    double memory_share = 0;
};

class ForwardCost {
  public:
    ForwardCost(Deployment deployment, hardware::CostModel hardware, FrameworkOverhead overhead,
                KernelExecution execution = {});

    [[nodiscard]] ForwardBreakdown breakdown(const models::BatchShape& batch) const;
    [[nodiscard]] PassCost pass(const models::BatchShape& batch);
    [[nodiscard]] double stage_ns(const PassCost& p, int32_t stage) const;
    // A whole pass on a pipeline of 1 stage (or all stages back to back) plus overhead.
    [[nodiscard]] double iteration_ns(const models::BatchShape& batch);
    // The same pass without the host framework overhead (a drafter's steps inside the target's iteration).
    [[nodiscard]] double device_ns(const models::BatchShape& batch);

    [[nodiscard]] const Deployment& deployment() const { return deployment_; }
    [[nodiscard]] const hardware::CostModel& hardware() const { return hardware_; }
    [[nodiscard]] const FrameworkOverhead& overhead() const { return overhead_; }
    [[nodiscard]] const KernelExecution& execution() const { return execution_; }
    // A flash weights tier: every pass first reads the weights it needs that are not resident.
    void set_flash_weights(FlashWeights flash) { flash_.emplace(std::move(flash)); }
    [[nodiscard]] const FlashWeights* flash_weights() const { return flash_ ? &*flash_ : nullptr; }

  private:
    struct TokenCosts {
        double per_layer_ns = -1;  // everything per layer except attention
        double per_layer_compute_ns = 0;  // roofline compute and memory parts of per_layer_ns
        double per_layer_memory_ns = 0;
        std::array<double, models::kOpLayerKinds> kind_ns{};
        double first_extra_ns = 0;
        double boundary_ns = 0;
    };
    [[nodiscard]] hardware::OpCost price(const models::Op& op) const;
    // Token count the token-proportional ops are priced at, and how many times they run (device shape rules:
    // NPU static prefill chunks, FPGA compiled lengths; {tokens, 1} elsewhere).
    [[nodiscard]] std::pair<int64_t, double> shaped_tokens(const models::BatchShape& batch) const;
    const TokenCosts& token_costs(int64_t tokens);
    double lm_head_ns(int32_t seqs);
    // Adds each attention op's time to its layer kind's entry of `kind_ns` (entry `all` included), and the
    // all-layer ops' roofline compute and memory times to `compute_ns` and `memory_ns`.
    void attention_ns(const models::BatchShape& batch, std::array<double, models::kOpLayerKinds>& kind_ns,
                      double& compute_ns, double& memory_ns);

    Deployment deployment_;
    hardware::CostModel hardware_;
    FrameworkOverhead overhead_;
    KernelExecution execution_;
    std::shared_ptr<const ReplicaCollectives> collectives_;  // shared, immutable: copies and moves keep it valid
    std::vector<TokenCosts> by_tokens_;                      // memo indexed by token count
    std::vector<double> lm_head_by_seqs_;                    // memo indexed by sampled sequences (-1 = unknown)
    std::vector<models::Op> attention_scratch_;              // reused: the hot path does not allocate
    bool mixed_layers_ = false;                              // the model's layers differ (see PassCost::kind_ns)
    std::optional<FlashWeights> flash_;                      // none: the pass pays no weight loads
};

}  // namespace llmsim::sim
