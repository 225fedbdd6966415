#pragma once
// The rules a training layout must satisfy, each failing with the flag, the rule and the numbers. The search uses
// the non-throwing check to skip invalid candidates; the CLI uses validate to exit 2 with one line.
#include <cstdint>
#include <optional>
#include <string>

#include "models/model_spec.hpp"
#include "sim/training/training_config.hpp"

namespace llmsim::policies {

struct LayoutViolation {
    std::string flag;
    std::string message;
};

std::optional<LayoutViolation> check_training_layout(const models::ModelSpec& model, const sim::TrainingConfig& cfg,
                                                     int32_t gpus);
// Throws UsageError(flag, message) for the first violated rule.
void validate_training_layout(const models::ModelSpec& model, const sim::TrainingConfig& cfg, int32_t gpus);

}  // namespace llmsim::policies
