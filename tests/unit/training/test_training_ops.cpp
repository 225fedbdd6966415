// The training op lists: FLOPs per pass, the collectives each parallel dimension adds, and the FLOP convention.
#include <catch2/catch.hpp>

#include "models/presets.hpp"
#include "models/training_ops.hpp"
#include "sim/training/step_cost.hpp"
#include "tests/unit/training/training_test_util.hpp"

using namespace llmsim;
using namespace llmsim::models;

namespace {

struct Sums {
    double gemm = 0;
    double attention = 0;
    int tp_ag = 0, tp_rs = 0, tp_ar = 0, cp = 0, ep = 0;
    double tp_bytes = 0;
};

Sums sum(const std::vector<TrainingOp>& ops) {
    Sums s;
    for (const auto& t : ops) {
        if (t.op.op_class == OpClass::gemm && !t.attention_core) s.gemm += t.op.flops;
        if (t.op.op_class == OpClass::attn_prefill) s.attention += t.op.flops;
        if (t.axis == CommAxis::tp) {
            s.tp_bytes += t.op.bytes;
            if (t.op.collective == CollectiveKind::all_gather) ++s.tp_ag;
            if (t.op.collective == CollectiveKind::reduce_scatter) ++s.tp_rs;
            if (t.op.collective == CollectiveKind::all_reduce) ++s.tp_ar;
        }
        if (t.axis == CommAxis::cp) s.cp += t.op.kernels;
        if (t.axis == CommAxis::ep) ++s.ep;
    }
    return s;
}

TrainingLayerOps layer(const ModelSpec& m, const TrainingParallel& p, const TrainingShape& shape) {
    return build_training_layer_ops(m, shard_for_training(m, p), p, sim::training_precision(DType::bf16), shape);
}

}  // namespace

TEST_CASE("training ops: backward GEMMs are twice the forward GEMMs", "[training]") {
    const ModelSpec m = test::small_gpt();
    TrainingShape shape;
    shape.seq_len = 1024;
    shape.micro_batch = 2;
    TrainingParallel p;
    p.tp = 2;
    const auto ops = layer(m, p, shape);
    const double tokens = 2048, h = 1024;
    // 12 h^2 weights per layer, 2 FLOPs per weight per token, split over tp.
    CHECK(sum(ops.forward).gemm == Approx(2 * 12 * h * h * tokens / 2));
    CHECK(sum(ops.backward).gemm == Approx(2 * sum(ops.forward).gemm));
    // Flash attention: causal pairs, 4 d FLOPs per pair and head; backward 2.5x.
    const double pairs = 2 * 1024.0 * 1025 / 2;
    CHECK(sum(ops.forward).attention == Approx(4 * 64 * 8 * pairs));
    CHECK(sum(ops.backward).attention == Approx(2.5 * sum(ops.forward).attention));
}

TEST_CASE("training ops: sequence parallelism swaps all-reduce for all-gather + reduce-scatter", "[training]") {
    const ModelSpec m = test::small_gpt();
    TrainingShape shape;
    shape.seq_len = 1024;
    TrainingParallel p;
    p.tp = 4;
    p.sequence_parallel = true;
    const auto sp = layer(m, p, shape);
    const double act = 1024.0 * 1024 * 2;  // tokens x hidden x bf16
    CHECK(sum(sp.forward).tp_ag == 2);
    CHECK(sum(sp.forward).tp_rs == 2);
    CHECK(sum(sp.forward).tp_ar == 0);
    CHECK(sum(sp.forward).tp_bytes == Approx(4 * act));
    // Backward: mirrored gathers/scatters plus the re-gather of the two saved inputs for weight gradients.
    CHECK(sum(sp.backward).tp_ag == 4);
    CHECK(sum(sp.backward).tp_rs == 2);
    p.sequence_parallel = false;
    const auto ar = layer(m, p, shape);
    CHECK(sum(ar.forward).tp_ar == 2);
    CHECK(sum(ar.backward).tp_ar == 2);
    CHECK(sum(ar.forward).tp_ag + sum(ar.forward).tp_rs == 0);
}

TEST_CASE("training ops: a parallel block enters and leaves the TP region once per layer", "[training]") {
    ModelSpec m = test::small_gpt();
    TrainingShape shape;
    shape.seq_len = 1024;
    TrainingParallel p;
    p.tp = 4;
    const auto serial = layer(m, p, shape);
    m.parallel_residual = true;  // what `llmsim train --parallel-block` sets
    m.norms_per_layer = 1;
    const auto parallel = layer(m, p, shape);
    const double act = 1024.0 * 1024 * 2;  // tokens x hidden x bf16
    // One all-gather in, one reduce-scatter out (the attention and MLP outputs summed before it), not two of each.
    CHECK(sum(parallel.forward).tp_ag == 1);
    CHECK(sum(parallel.forward).tp_rs == 1);
    CHECK(sum(parallel.forward).tp_bytes == Approx(sum(serial.forward).tp_bytes / 2));
    CHECK(sum(parallel.forward).tp_bytes == Approx(2 * act));
    // Backward: the output gradient gathered once, the shared input re-gathered once for the weight gradients, and
    // the input gradients of both branches summed before one reduce-scatter.
    CHECK(sum(parallel.backward).tp_ag == 2);
    CHECK(sum(parallel.backward).tp_rs == 1);
    CHECK(sum(parallel.backward).tp_bytes == Approx(sum(serial.backward).tp_bytes / 2));
    // The same GEMMs; one norm fewer.
    CHECK(sum(parallel.forward).gemm == Approx(sum(serial.forward).gemm));
    auto norms = [](const std::vector<TrainingOp>& ops) {
        int n = 0;
        for (const auto& t : ops)
            n += t.op.name.find("norm") != std::string::npos ? 1 : 0;
        return n;
    };
    CHECK(norms(parallel.forward) == norms(serial.forward) - 1);
}

TEST_CASE("training ops: context parallelism passes KV around the ring or all-to-alls heads", "[training]") {
    const ModelSpec m = test::small_gpt();
    TrainingShape shape;
    shape.seq_len = 4096;
    TrainingParallel p;
    p.cp = 4;
    const auto ring = layer(m, p, shape);
    CHECK(sum(ring.forward).cp == 3);  // cp - 1 ring steps
    CHECK(sum(ring.backward).cp == 3);
    // Every rank computes a quarter of the causal pairs.
    const double pairs = 4096.0 * 4097 / 2;
    CHECK(sum(ring.forward).attention == Approx(4 * 64 * 16 * pairs / 4));
    p.cp_kind = CpKind::ulysses;
    const auto ulysses = layer(m, p, shape);
    CHECK(sum(ulysses.forward).cp == 2);  // before and after attention
    CHECK(sum(ulysses.forward).attention == Approx(4 * 64 * 16 * pairs / 4));
}

TEST_CASE("training ops: MoE layers dispatch and combine over expert parallelism", "[training]") {
    const ModelSpec m = models::resolve_model("mixtral-8x7b");
    TrainingShape shape;
    shape.seq_len = 4096;
    TrainingParallel p;
    p.ep = 8;
    p.dp = 8;
    const auto ops = layer(m, p, shape);
    CHECK(sum(ops.forward).ep == 2);
    CHECK(sum(ops.backward).ep == 2);
    // Expert GEMM FLOPs: tokens x top-2 x 3 matrices of h x i_e, 2 FLOPs each.
    double expert = 0;
    for (const auto& t : ops.forward) {
        if (t.op.name == "moe_up_proj" || t.op.name == "moe_down_proj") expert += t.op.flops;
    }
    CHECK(expert == Approx(2.0 * 4096 * 2 * 3 * 4096.0 * 14336));
}

TEST_CASE("training ops: FLOPs per token follow Narayanan et al. (SC'21, eq. 3)", "[training]") {
    const ModelSpec m = test::small_gpt();
    const double l = 8, h = 1024, s = 2048, v = 32000;
    // With full recomputation: 96 B s l h^2 (1 + s / 6h + V / 16lh) per batch of B sequences of s tokens.
    const TrainingFlops full = training_flops_per_token(m, 2048, Recompute::full);
    CHECK(full.model_per_token + full.recompute_per_token ==
          Approx(96 * l * h * h * (1 + s / (6 * h) + v / (16 * l * h))));
    // Model FLOPs: 72 l h^2 (1 + s / 6h) + 6 V h  (= 6 x params + attention).
    const TrainingFlops none = training_flops_per_token(m, 2048, Recompute::none);
    CHECK(none.recompute_per_token == 0);
    CHECK(none.model_per_token == Approx(72 * l * h * h * (1 + s / (6 * h)) + 6 * v * h));
    const TrainingFlops selective = training_flops_per_token(m, 2048, Recompute::selective);
    CHECK(selective.recompute_per_token == Approx(l * 4 * s * h));
}

TEST_CASE("training ops: unfused attention materialises the score matrix", "[training]") {
    const ModelSpec m = test::small_gpt();
    TrainingShape shape;
    shape.seq_len = 1024;
    shape.attention = AttentionImpl::unfused;
    shape.dropout = true;
    const auto ops = layer(m, TrainingParallel{}, shape);
    double score_flops = 0;
    bool softmax = false;
    for (const auto& t : ops.forward) {
        if (t.op.name == "attn_qk" || t.op.name == "attn_pv") score_flops += t.op.flops;
        if (t.op.name == "attn_softmax") {
            softmax = true;
            CHECK(t.op.bytes == Approx(2.0 * 16 * 1024 * 1024 * 2));  // read + write heads x s x s in bf16
        }
    }
    CHECK(softmax);
    CHECK(score_flops == Approx(4.0 * 16 * 1024 * 1024 * 64));  // full s x s, not causal
}
