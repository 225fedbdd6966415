#pragma once
// Energy of one training step under the device's power model (hardware/power_model.hpp). Every GPU draws idle power
// for the whole step; during the critical rank's compute time it draws the dynamic part at the busy shares of one
// layer's ops (forward + backward, weighted by time: compute-bound ops count toward the compute share,
// memory-bound ones toward the memory share). Exposed communication, bubbles and the optimizer are counted at idle
// power, which under-counts NCCL's draw (docs/hardware.md#power). Absent without a power model.
#include <optional>
#include <vector>

#include "hardware/device_spec.hpp"
#include "sim/training/step_cost.hpp"
#include "sim/training/training_sim.hpp"

namespace llmsim::sim {

struct TrainingEnergy {
    double joules_per_step = 0;  // all GPUs
    double average_power_w_per_gpu = 0;
    double compute_share = 0;
    double memory_share = 0;
    double joules_per_token = 0;
};

std::optional<TrainingEnergy> training_energy(const TrainingResult& r, const hardware::DeviceSpec& device,
                                              const std::vector<OpTime>& forward, const std::vector<OpTime>& backward);

}  // namespace llmsim::sim
