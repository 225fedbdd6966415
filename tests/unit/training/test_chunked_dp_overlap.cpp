// MegaScale's per-model-chunk DP overlap (`--overlap dp-chunks`): the exposure by hand on small queues, and through
// the step simulator against the other overlap settings.
#include <catch2/catch.hpp>

#include "hardware/catalogue.hpp"
#include "models/presets.hpp"
#include "policies/parallel/schedule.hpp"
#include "sim/training/chunked_dp_overlap.hpp"
#include "sim/training/training_sim.hpp"

using namespace llmsim;
using namespace llmsim::sim;

TEST_CASE("chunked dp overlap: only the last reduce and the first gather are exposed when compute covers the rest",
          "[training]") {
    // 2 chunks, 4 passes per group: chunk 1's reduce (3) runs during chunk 0's last 4 backwards (4 x 1).
    std::vector<ChunkDp> chunks = {{.forward_ns = 1, .backward_ns = 1, .reduce_ns = 3, .gather_ns = 2},
                                   {.forward_ns = 1, .backward_ns = 1, .reduce_ns = 3, .gather_ns = 2}};
    ChunkDpExposure e = chunked_dp_exposure(chunks, 4);
    CHECK(e.reduce_ns == Approx(3));  // chunk 0's whole reduce
    CHECK(e.gather_ns == Approx(2));  // chunk 0's whole gather; chunk 1's (2) ends before its first forward (4)
    // Collectives longer than the window: chunk 1's reduce ends at 10, chunk 0's starts then instead of at 4.
    chunks[1].reduce_ns = 10;
    chunks[0].reduce_ns = 3;
    e = chunked_dp_exposure(chunks, 4);
    CHECK(e.reduce_ns == Approx(10 + 3 - 4));
    // Chunk 1's gather (7) ends 3 after its first forward would start (4): every later forward waits 3.
    chunks[1].gather_ns = 7;
    e = chunked_dp_exposure(chunks, 4);
    CHECK(e.gather_ns == Approx(2 + 3));
    // One chunk: nothing to hide behind (use --overlap dp there).
    e = chunked_dp_exposure({{.forward_ns = 5, .backward_ns = 5, .reduce_ns = 3, .gather_ns = 2}}, 8);
    CHECK(e.reduce_ns == Approx(3));
    CHECK(e.gather_ns == Approx(2));
    // Three chunks, group 2: chunk 2's reduce (5) from 0, chunk 1's ready at 2 x 1 starts at 5, ends 9; chunk 0's
    // ready at 2 + 2 x 1 = 4 starts at 9, ends 11: exposed 7.
    e = chunked_dp_exposure({{.forward_ns = 1, .backward_ns = 1, .reduce_ns = 2, .gather_ns = 0},
                             {.forward_ns = 1, .backward_ns = 1, .reduce_ns = 4, .gather_ns = 0},
                             {.forward_ns = 1, .backward_ns = 1, .reduce_ns = 5, .gather_ns = 0}},
                            2);
    CHECK(e.reduce_ns == Approx(7));
}

TEST_CASE("chunked dp overlap: the step simulator's DP exposure", "[training]") {
    const models::ModelSpec model = models::resolve_model("gpt3-175b");
    const hardware::DeviceSpec device = hardware::resolve_device("a100-sxm-80gb");
    TrainingSimulator sim{model, device, hardware::topology_from_device(device), 1024, policies::schedule_registry()};
    TrainingConfig c;
    c.parallel.tp = 8;
    c.parallel.pp = 8;
    c.parallel.dp = 16;
    c.global_batch = 1536;
    c.shape.seq_len = 2048;
    c.recompute = models::Recompute::selective;
    c.overlap = parse_overlap("none", "test");
    const TrainingResult none = sim.simulate(c);
    // With one chunk per rank nothing overlaps: the same exposure as no overlap at all.
    c.overlap = parse_overlap("dp-chunks", "test");
    CHECK(overlap_to_string(c.overlap) == "dp-chunks");
    CHECK(sim.simulate(c).time.dp_comm_s == Approx(none.time.dp_comm_s));
    // Two chunks: the higher chunk's reduce and gather hide, so about half stays exposed.
    c.parallel.vpp = 2;
    c.schedule = "interleaved";
    c.overlap = parse_overlap("none", "test");
    const TrainingResult none2 = sim.simulate(c);
    c.overlap = parse_overlap("dp-chunks", "test");
    const TrainingResult chunked = sim.simulate(c);
    CHECK(chunked.time.dp_comm_s < none2.time.dp_comm_s * 0.6);
    CHECK(chunked.time.dp_comm_s > none2.time.dp_comm_s * 0.4);
    CHECK(chunked.step_time_s < none2.step_time_s);
    // Off by default.
    CHECK_FALSE(TrainingConfig{}.overlap.dp_chunks);
    CHECK_FALSE(parse_overlap("default", "test").dp_chunks);
}
