// The step simulator as a whole: closed form versus DAG, and the direction of each knob's effect.
#include <catch2/catch.hpp>

#include "hardware/catalogue.hpp"
#include "models/presets.hpp"
#include "policies/parallel/schedule.hpp"
#include "sim/training/training_sim.hpp"

using namespace llmsim;
using namespace llmsim::sim;

namespace {

struct Gpt175 {
    models::ModelSpec model = models::resolve_model("gpt3-175b");
    hardware::DeviceSpec device = hardware::resolve_device("a100-sxm-80gb");
    TrainingSimulator sim{model, device, hardware::topology_from_device(device), 1024, policies::schedule_registry()};

    static TrainingConfig config(int32_t pp, int32_t vpp, int32_t mbs) {
        TrainingConfig c;
        c.parallel.tp = 8;
        c.parallel.pp = pp;
        c.parallel.dp = 1024 / 8 / pp;
        c.parallel.vpp = vpp;
        c.schedule = vpp > 1 ? "interleaved" : "1f1b";
        c.global_batch = 1536;
        c.shape.micro_batch = mbs;
        c.shape.seq_len = 2048;
        c.recompute = models::Recompute::selective;
        return c;
    }
};

}  // namespace

TEST_CASE("training sim: the closed form used by the search stays within 1% of the DAG", "[training]") {
    Gpt175 g;
    for (int32_t pp : {2, 8, 16}) {
        for (int32_t vpp : {1, 2}) {
            for (int32_t mbs : {1, 2}) {
                const TrainingConfig c = Gpt175::config(pp, vpp, mbs);
                const TrainingResult dag = g.sim.simulate(c);
                const TrainingResult est = g.sim.estimate(c);
                INFO("pp " << pp << " vpp " << vpp << " mbs " << mbs);
                CHECK(dag.from_dag);
                CHECK_FALSE(est.from_dag);
                CHECK(est.step_time_s == Approx(dag.step_time_s).epsilon(0.01));
                CHECK(est.memory.total_bytes() == dag.memory.total_bytes());
            }
        }
    }
}

TEST_CASE("training sim: each knob moves the step the way it should", "[training]") {
    Gpt175 g;
    const TrainingConfig base = Gpt175::config(8, 1, 1);
    const TrainingResult r = g.sim.simulate(base);
    // Interleaving shrinks the bubble.
    TrainingConfig c = Gpt175::config(8, 2, 1);
    CHECK(g.sim.simulate(c).bubble_fraction < r.bubble_fraction);
    // Full recomputation costs time and saves activation memory; hardware FLOPs include it.
    c = base;
    c.recompute = models::Recompute::full;
    const TrainingResult full = g.sim.simulate(c);
    CHECK(full.step_time_s > r.step_time_s);
    CHECK(full.memory.activations_bytes < r.memory.activations_bytes);
    CHECK(full.hardware_flops_per_step > r.hardware_flops_per_step);
    CHECK(full.model_flops_per_step == r.model_flops_per_step);
    // No overlap exposes more communication.
    c = base;
    c.overlap = parse_overlap("none", "test");
    const TrainingResult exposed = g.sim.simulate(c);
    CHECK(exposed.time.tp_comm_s > r.time.tp_comm_s);
    CHECK(exposed.step_time_s > r.step_time_s);
    // ZeRO-3 shards weights but gathers them every micro-batch.
    c = base;
    c.zero = 3;
    const TrainingResult z3 = g.sim.simulate(c);
    CHECK(z3.memory.weights_bytes < r.memory.weights_bytes);
    CHECK(z3.memory.model_state_bytes() < r.memory.model_state_bytes());
    // A slower network makes data parallelism and pipeline transfers slower.
    hardware::TopologySpec slow = hardware::topology_from_device(g.device);
    slow.nic_bytes_per_s /= 8;
    TrainingSimulator slow_sim(g.model, g.device, slow, 1024, policies::schedule_registry());
    c = base;
    c.overlap.dp = false;
    CHECK(slow_sim.simulate(c).time.dp_comm_s > g.sim.simulate(c).time.dp_comm_s);
    // The time breakdown accounts for the whole step.
    const auto& t = r.time;
    CHECK(t.compute_s + t.tp_comm_s + t.pp_comm_s + t.dp_comm_s + t.cp_comm_s + t.ep_comm_s + t.bubble_s +
              t.optimizer_s ==
          Approx(r.step_time_s).epsilon(1e-6));
}
