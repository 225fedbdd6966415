#pragma once
// Memory per GPU during a training step: model states (weights, gradients, optimizer by ZeRO stage), activations
// kept for backward (by recompute mode and the schedule's in-flight micro-batches), temporary buffers and a
// fixed reserve; computed for every pipeline rank, the largest is what must fit.
#include <cstdint>

#include "models/training_ops.hpp"
#include "sim/training/pipeline_schedule.hpp"
#include "sim/training/stage_layout.hpp"
#include "sim/training/training_config.hpp"

namespace llmsim::sim {

struct MemoryBreakdown {
    double weights_bytes = 0;
    double gradients_bytes = 0;
    double optimizer_bytes = 0;
    double activations_bytes = 0;
    double temporary_bytes = 0;
    double reserved_bytes = 0;
    int32_t rank = 0;       // pipeline rank described
    int32_t in_flight = 0;  // micro-batch chunks whose activations it holds at peak

    [[nodiscard]] double model_state_bytes() const { return weights_bytes + gradients_bytes + optimizer_bytes; }
    [[nodiscard]] double total_bytes() const {
        return model_state_bytes() + activations_bytes + temporary_bytes + reserved_bytes;
    }
};

// Bytes per parameter of each model state for mixed-precision Adam (ZeRO paper, section 3.1: 2 + 2 + 12 = 16
// with 16-bit gradients): weights in the parameter type (+1 for the FP8 copy when GEMMs run in FP8), gradients
// in the gradient buffer type, optimizer = fp32 master copy (when parameters are not fp32) + Adam m and v.
struct ModelStateBytes {
    double weights = 2;
    double gradients = 2;
    double optimizer = 12;
};
ModelStateBytes model_state_bytes_per_param(DType dtype, DType grad_dtype);

struct MemoryInputs {
    const models::ModelSpec* model = nullptr;
    const TrainingConfig* config = nullptr;
    const StageLayout* stages = nullptr;
    const ScheduleInfo* schedule = nullptr;
    models::TrainingParams params;
    models::LayerActivations activations;
    double logits_bytes = 0;  // last stage, one micro-batch: logits and the loss's fp32 copies
};

MemoryBreakdown rank_memory(const MemoryInputs& in, int32_t rank);
// The rank with the largest total.
MemoryBreakdown peak_memory(const MemoryInputs& in);

}  // namespace llmsim::sim
