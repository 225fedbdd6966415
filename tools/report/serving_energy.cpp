#include "tools/report/serving_energy.hpp"

namespace llmsim::tools {

std::optional<ServingEnergy> serving_energy(const ServingReport& rep) {
    const auto& setup = *rep.setup;
    if (!setup.device.power) return std::nullopt;
    const double devices = static_cast<double>(setup.cost->deployment().gpus()) * setup.cluster.replicas;
    ServingEnergy e;
    e.joules = devices * setup.device.power->idle_watts * rep.summary.sim_duration_s;
    for (const auto& r : rep.run->replicas)
        e.joules += r.dynamic_energy_j;
    e.average_power_w = rep.summary.sim_duration_s > 0 ? e.joules / rep.summary.sim_duration_s : 0.0;
    int64_t output_tokens = 0, all_tokens = 0;
    for (const auto& r : rep.run->requests) {
        if (r.phase() != sim::RequestPhase::finished) continue;
        output_tokens += r.output_tokens;
        all_tokens += r.total_tokens();
    }
    if (output_tokens > 0) e.j_per_output_token = e.joules / static_cast<double>(output_tokens);
    if (all_tokens > 0) e.j_per_token = e.joules / static_cast<double>(all_tokens);
    return e;
}

}  // namespace llmsim::tools
