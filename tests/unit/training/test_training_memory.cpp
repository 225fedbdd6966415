// Memory terms against hand-computed values: model states by ZeRO stage, activations (Korthikanti et al. 2022,
// eq. 1-2 and table 2), in-flight micro-batches of the schedule.
#include <catch2/catch.hpp>

#include "hardware/topology.hpp"
#include "models/training_ops.hpp"
#include "policies/parallel/schedule.hpp"
#include "sim/training/step_cost.hpp"
#include "sim/training/training_memory.hpp"
#include "sim/training/training_sim.hpp"
#include "tests/unit/training/training_test_util.hpp"

using namespace llmsim;
using namespace llmsim::sim;

namespace {

TrainingConfig base_config(int32_t dp, int32_t zero) {
    TrainingConfig c;
    c.parallel.dp = dp;
    c.zero = zero;
    c.global_batch = 8 * dp;
    c.shape.seq_len = 1024;
    c.dtype = DType::bf16;
    c.shape.grad_dtype = DType::bf16;
    c.memory_reserve_bytes = 0;
    return c;
}

double total_params(const models::ModelSpec& m) {
    const auto shard = models::shard_for_training(m, models::TrainingParallel{});
    const auto p = models::training_params_per_gpu(m, shard, models::TrainingParallel{});
    return m.num_layers * (p.dense_per_layer + p.expert_per_layer) + p.embedding + p.lm_head;
}

}  // namespace

TEST_CASE("training memory: bytes per parameter of mixed-precision Adam", "[training]") {
    const ModelStateBytes bf16 = model_state_bytes_per_param(DType::bf16, DType::bf16);
    CHECK(bf16.weights + bf16.gradients + bf16.optimizer == 16);  // ZeRO paper: 2 + 2 + 12
    const ModelStateBytes fp32_grads = model_state_bytes_per_param(DType::bf16, DType::fp32);
    CHECK(fp32_grads.gradients == 4);
    const ModelStateBytes fp32 = model_state_bytes_per_param(DType::fp32, DType::fp32);
    CHECK(fp32.weights == 4);
    CHECK(fp32.optimizer == 8);                                                // no separate master copy
    CHECK(model_state_bytes_per_param(DType::fp8, DType::bf16).weights == 3);  // bf16 + cached fp8 copy
}

TEST_CASE("training memory: parameter count per GPU matches the model", "[training]") {
    const models::ModelSpec m = test::small_gpt();
    // Untied copy aside (pp = 1 keeps one tied table), per-GPU parameters at tp = 1 are the model's parameters.
    CHECK(total_params(m) == Approx(static_cast<double>(m.param_count())));
    models::TrainingParallel par;
    par.tp = 4;
    const auto shard = models::shard_for_training(m, par);
    const auto p = models::training_params_per_gpu(m, shard, par);
    const double h = 1024;
    // Attention 4h^2/4 + biases (3h/4 + h), MLP 8h^2/4 + biases (4h/4 + h), two layernorms 4h.
    CHECK(p.dense_per_layer == Approx(h * h + 0.75 * h + h + 2 * h * h + h + h + 4 * h));
}

TEST_CASE("training memory: ZeRO stages shard model states over data parallelism", "[training]") {
    const models::ModelSpec m = test::small_gpt();
    const double params = total_params(m);
    TrainingSimulator sim(m, test::synthetic_device(), hardware::topology_from_device(test::synthetic_device()), 8,
                          policies::schedule_registry());
    // ZeRO-3 per-GPU model states = 16 bytes x params / DP.
    CHECK(sim.simulate(base_config(8, 3)).memory.model_state_bytes() == Approx(16 * params / 8));
    CHECK(sim.simulate(base_config(8, 2)).memory.model_state_bytes() == Approx(2 * params + 14 * params / 8));
    CHECK(sim.simulate(base_config(8, 1)).memory.model_state_bytes() == Approx(4 * params + 12 * params / 8));
    CHECK(sim.simulate(base_config(8, 0)).memory.model_state_bytes() == Approx(16 * params));
}

TEST_CASE("training memory: activations per layer follow Korthikanti et al.", "[training]") {
    models::ModelSpec m = test::small_gpt();
    const double s = 1024, b = 2, h = 1024, a = 16;
    models::TrainingShape shape;
    shape.seq_len = 1024;
    shape.micro_batch = 2;
    shape.attention = models::AttentionImpl::unfused;
    shape.dropout = true;
    const models::Precision prec = training_precision(DType::bf16);
    auto acts = [&](int32_t tp, bool sp) {
        models::TrainingParallel par;
        par.tp = tp;
        par.sequence_parallel = sp;
        return models::layer_activation_bytes(m, models::shard_for_training(m, par), par, prec, shape);
    };
    // No parallelism: sbh(34 + 5as/h).
    CHECK(acts(1, false).full_bytes == Approx(s * b * h * 34 + 5 * a * s * s * b));
    // Tensor parallel without SP: sbh(10 + 24/t + 5as/(ht)).
    CHECK(acts(4, false).full_bytes == Approx(s * b * h * (10 + 24.0 / 4) + 5 * a * s * s * b / 4));
    // With sequence parallelism: sbh/t (34 + 5as/h).
    const auto sp = acts(4, true);
    CHECK(sp.full_bytes == Approx(s * b * h * 34 / 4 + 5 * a * s * s * b / 4));
    // Selective recomputation drops the 5as/h term; full recomputation keeps 2sbh/t.
    CHECK(stored_activation_bytes(sp, models::Recompute::selective) == Approx(s * b * h * 34 / 4));
    CHECK(stored_activation_bytes(sp, models::Recompute::full) == Approx(2 * s * b * h / 4));
    // Flash attention keeps no s x s tensors: Q, K, V, O and an fp32 log-sum-exp per query and head.
    shape.attention = models::AttentionImpl::flash;
    shape.dropout = false;
    const auto flash = acts(1, false);
    // Attention: norm input, QKV input, Q/K/V, O (6 x 2sbh); MLP: norm input, up input, GeLU input 4h, down
    // input 4h (10 x 2sbh).
    CHECK(flash.full_bytes == Approx(2 * s * b * h * 16 + s * b * a * 4));
}

TEST_CASE("training memory: 1F1B first stage holds pp micro-batches of activations", "[training]") {
    const models::ModelSpec m = test::small_gpt();
    TrainingConfig c = base_config(1, 1);
    c.parallel.pp = 4;
    c.global_batch = 16;
    c.shape.dropout = false;
    const auto prec = training_precision(DType::bf16);
    const auto shard = models::shard_for_training(m, c.parallel);
    const StageLayout stages = make_stage_layout(m.num_layers, 4, 1);
    MemoryInputs in;
    in.model = &m;
    in.config = &c;
    in.stages = &stages;
    in.schedule = &policies::find_schedule("1f1b");
    in.params = models::training_params_per_gpu(m, shard, c.parallel);
    in.activations = models::layer_activation_bytes(m, shard, c.parallel, prec, c.shape);
    in.logits_bytes = 1e6;
    for (int32_t rank = 0; rank < 4; ++rank) {
        const MemoryBreakdown mem = rank_memory(in, rank);
        CHECK(mem.in_flight == 4 - rank);
        CHECK(mem.activations_bytes == Approx((4 - rank) * 2 * in.activations.full_bytes));
        CHECK(mem.temporary_bytes == (rank == 3 ? 1e6 : 0.0));  // logits live on the last stage
    }
    // Full recomputation keeps layer inputs plus one layer's activations while it is recomputed.
    c.recompute = models::Recompute::full;
    CHECK(rank_memory(in, 0).activations_bytes ==
          Approx(4 * 2 * in.activations.input_bytes + in.activations.full_bytes));
}
