#pragma once
// `llmsim train`'s engine: one training step of a model on a cluster for a given layout. The per-micro-batch stage
// times come from StepCostModel; the pipeline runs as a DAG on the discrete-event engine (simulate) or through
// the closed form that is exact for uniform stages without transfer delays (estimate, used to rank a search);
// then data-parallel gradient reduction, ZeRO gathers and the optimizer close the step.
#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "hardware/collectives.hpp"
#include "hardware/cost_model.hpp"
#include "hardware/device_spec.hpp"
#include "hardware/topology.hpp"
#include "models/model_spec.hpp"
#include "sim/training/chunked_dp_overlap.hpp"
#include "sim/training/pipeline_schedule.hpp"
#include "sim/training/step_cost.hpp"
#include "sim/training/training_config.hpp"
#include "sim/training/training_memory.hpp"

namespace llmsim::sim {

// Where the step time of the critical rank goes; sums to the step time.
struct TimeBreakdown {
    double compute_s = 0;
    double tp_comm_s = 0;  // exposed
    double pp_comm_s = 0;
    double dp_comm_s = 0;  // gradient reduction and ZeRO parameter gathers left exposed
    double cp_comm_s = 0;
    double ep_comm_s = 0;
    double bubble_s = 0;  // idle: pipeline fill/drain and waiting for other ranks
    double optimizer_s = 0;
};

struct TrainingResult {
    TrainingConfig config;
    int32_t gpus = 0;
    int32_t microbatches = 0;
    bool from_dag = false;  // false: closed-form estimate (search ranking)

    double step_time_s = 0;
    double tokens_per_step = 0;
    double tokens_per_s = 0;
    double tokens_per_s_per_gpu = 0;
    double model_flops_per_step = 0;     // 6 x params x tokens + attention, no recompute (per step, all GPUs)
    double hardware_flops_per_step = 0;  // + recomputation
    double model_tflops_per_gpu = 0;
    double hardware_tflops_per_gpu = 0;
    double peak_tflops_per_gpu = 0;
    double mfu = 0;
    double hfu = 0;
    double bubble_fraction = 0;  // idle share of the busiest pipeline rank over the pipeline phase
    int32_t critical_rank = 0;
    uint64_t dag_events = 0;
    TimeBreakdown time;

    MemoryBreakdown memory;
    double memory_capacity_bytes = 0;
    bool fits = false;

    double params_total = 0;
    double stage_p2p_ms = 0;  // one activation transfer between stages
    std::vector<std::string> notes;
};

class TrainingSimulator {
  public:
    // `schedules`: the pipeline schedules a config may name (policies::schedule_registry()).
    TrainingSimulator(models::ModelSpec model, hardware::DeviceSpec device, hardware::TopologySpec topology,
                      int32_t gpus, std::vector<ScheduleInfo> schedules);
    ~TrainingSimulator();
    TrainingSimulator(const TrainingSimulator&) = delete;
    TrainingSimulator& operator=(const TrainingSimulator&) = delete;

    // Validates the layout (UsageError naming the rule and numbers) and simulates the pipeline DAG.
    TrainingResult simulate(const TrainingConfig& cfg);
    // Closed-form pipeline time; the layout must be valid (see sim/training/layout_rules).
    TrainingResult estimate(const TrainingConfig& cfg);

    [[nodiscard]] const models::ModelSpec& model() const { return model_; }
    [[nodiscard]] const hardware::DeviceSpec& device() const { return device_; }
    [[nodiscard]] const hardware::Topology& topology() const { return *topology_; }
    [[nodiscard]] StepCostModel& costs() { return *costs_; }
    [[nodiscard]] int32_t gpus() const { return gpus_; }
    [[nodiscard]] const std::vector<ScheduleInfo>& schedules() const { return schedules_; }

  private:
    struct Plan;
    Plan plan(const TrainingConfig& cfg);
    ChunkDpExposure chunk_dp(const TrainingConfig& cfg, const Plan& plan, int32_t rank, const LayoutGroups& groups,
                             double grad_bytes, double param_bytes);
    TrainingResult finish(const TrainingConfig& cfg, const Plan& plan, const std::vector<double>& rank_finish_s,
                          const std::vector<double>& rank_busy_s, int32_t busiest, double bubble_fraction);

    models::ModelSpec model_;
    hardware::DeviceSpec device_;
    int32_t gpus_;
    std::vector<ScheduleInfo> schedules_;
    std::unique_ptr<hardware::Topology> topology_;
    std::unique_ptr<hardware::CostModel> hardware_;
    std::unique_ptr<hardware::CollectiveModel> collectives_;
    std::unique_ptr<StepCostModel> costs_;
};

}  // namespace llmsim::sim
