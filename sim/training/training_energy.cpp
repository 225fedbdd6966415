#include "sim/training/training_energy.hpp"

namespace llmsim::sim {

std::optional<TrainingEnergy> training_energy(const TrainingResult& r, const hardware::DeviceSpec& device,
                                              const std::vector<OpTime>& forward, const std::vector<OpTime>& backward) {
    if (!device.power || r.step_time_s <= 0) return std::nullopt;
    double total_ns = 0, compute_ns = 0, memory_ns = 0;
    for (const auto* ops : {&forward, &backward}) {
        for (const auto& o : *ops) {
            total_ns += o.time_ns;
            if (o.bound == hardware::Bound::compute) compute_ns += o.time_ns;
            if (o.bound == hardware::Bound::memory) memory_ns += o.time_ns;
        }
    }
    TrainingEnergy e;
    e.compute_share = total_ns > 0 ? compute_ns / total_ns : 0.0;
    e.memory_share = total_ns > 0 ? memory_ns / total_ns : 0.0;
    const hardware::PowerSpec& p = *device.power;
    const double per_gpu_j =
        p.idle_watts * r.step_time_s + p.dynamic_watts(e.compute_share, e.memory_share) * r.time.compute_s;
    e.joules_per_step = per_gpu_j * r.gpus;
    e.average_power_w_per_gpu = per_gpu_j / r.step_time_s;
    e.joules_per_token = r.tokens_per_step > 0 ? e.joules_per_step / r.tokens_per_step : 0.0;
    return e;
}

}  // namespace llmsim::sim
