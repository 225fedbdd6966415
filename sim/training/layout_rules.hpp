#pragma once
// The rules a training layout must satisfy, each failing with the flag, the rule and the numbers. The search uses
// the non-throwing check to skip invalid candidates; the CLI uses validate to exit 2 with one line. `schedules` is
// the table cfg.schedule names an entry of (policies::schedule_registry()).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "models/model_spec.hpp"
#include "sim/training/pipeline_schedule.hpp"
#include "sim/training/training_config.hpp"

namespace llmsim::sim {

struct LayoutViolation {
    std::string flag;
    std::string message;
};

std::optional<LayoutViolation> check_training_layout(const models::ModelSpec& model, const TrainingConfig& cfg,
                                                     int32_t gpus, const std::vector<ScheduleInfo>& schedules);
// Throws UsageError(flag, message) for the first violated rule.
void validate_training_layout(const models::ModelSpec& model, const TrainingConfig& cfg, int32_t gpus,
                              const std::vector<ScheduleInfo>& schedules);

}  // namespace llmsim::sim
