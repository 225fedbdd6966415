#pragma once
// Energy of a serving run under the device's power model (hardware/power_model.hpp): every device draws idle power
// from t=0 until the last request finishes (as cost_of rents them), plus the dynamic part the executor accumulated
// over each stage's busy time. Absent when the device profile has no power model.
#include <optional>

#include "tools/report/serving_report.hpp"

namespace llmsim::tools {

struct ServingEnergy {
    double joules = 0;
    double average_power_w = 0;                   // whole deployment
    std::optional<double> j_per_output_token;     // null without output tokens
    std::optional<double> j_per_token;            // over prompt + output tokens of finished requests
};

std::optional<ServingEnergy> serving_energy(const ServingReport& rep);

}  // namespace llmsim::tools
