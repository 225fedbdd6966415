// Scheduler timelines on tiny hand-made workloads. Every iteration lasts exactly 1 ms (see sim_fixture.hpp), so the
// expected times below follow from the policy rules alone; each case spells the timeline out.
#include <catch2/catch.hpp>

#include "common/error.hpp"
#include "policies/scheduler/scheduler_registry.hpp"
#include "sim/serving/cluster.hpp"
#include "tests/unit/sim_fixture.hpp"

using namespace llmsim;
using namespace llmsim::test;

TEST_CASE("vllm: prefill-priority batches never mix with decodes", "[scheduler][vllm]") {
    // t=0   r0,r1 arrive; iteration 1 [0,1]: prefill r0+r1 -> first tokens at 1 ms.
    // t=0.5 r2 arrives; iteration 2 [1,2]: prefill r2 alone (prefills first) -> first token at 2 ms.
    // iteration 3 [2,3]: decode r0,r1,r2 -> r2 has its 2 tokens, done at 3 ms.
    // iteration 4 [3,4]: decode r0,r1 -> 3 tokens each, done at 4 ms.
    auto cost = instant_cost();
    const auto run = policies::simulate(cluster_of("vllm"), cost, workload_of({{0, 4, 3}, {0, 4, 3}, {0.5, 4, 2}}));
    const auto& r = run.requests;
    CHECK(ms(r[0].first_token_ns) == Approx(1));
    CHECK(ms(r[1].first_token_ns) == Approx(1));
    CHECK(ms(r[2].first_token_ns) == Approx(2));
    CHECK(ms(r[2].finish_ns) == Approx(3));
    CHECK(ms(r[0].finish_ns) == Approx(4));
    CHECK(ms(r[1].finish_ns) == Approx(4));
    CHECK(run.replicas[0].iterations == 4);
}

TEST_CASE("sarathi: decodes first, then chunks within the token budget", "[scheduler][sarathi]") {
    // Budget 4 tokens. r0 (prompt 6) and r1 (prompt 2) arrive at 0.
    // iteration 1 [0,1]: r0 chunk 4.   iteration 2 [1,2]: r0 chunk 2 (its last) + r1 chunk 2 -> first tokens at 2.
    // iteration 3 [2,3]: decode r0, r1 -> both reach 2 output tokens at 3 ms.
    auto cost = instant_cost();
    auto cfg = cluster_of("sarathi");
    cfg.limits.chunk_size = 4;
    const auto run = policies::simulate(cfg, cost, workload_of({{0, 6, 2}, {0, 2, 2}}));
    const auto& r = run.requests;
    CHECK(ms(r[0].first_token_ns) == Approx(2));
    CHECK(ms(r[1].first_token_ns) == Approx(2));
    CHECK(ms(r[0].finish_ns) == Approx(3));
    CHECK(ms(r[1].finish_ns) == Approx(3));
    CHECK(run.replicas[0].batched_tokens == 4 + 4 + 2);
}

TEST_CASE("sarathi: a running decode is never stalled by a long prefill", "[scheduler][sarathi]") {
    // r0 (prompt 2, 6 outputs) is decoding when r1 (prompt 40) arrives; with budget 8 every iteration carries r0's
    // decode plus 7 prefill tokens, so r0 produces one token per ms throughout.
    auto cost = instant_cost();
    auto cfg = cluster_of("sarathi");
    cfg.limits.chunk_size = 8;
    const auto run = policies::simulate(cfg, cost, workload_of({{0, 2, 6}, {1.5, 40, 1}}));
    const auto& r = run.requests;
    CHECK(ms(r[0].first_token_ns) == Approx(1));
    CHECK(ms(r[0].finish_ns) == Approx(6));  // tokens at 1,2,3,4,5,6 ms
    // r1 is admitted at 2 ms: chunks of 7 at iterations 3..7 (35 tokens) and 5 tokens at iteration 8 (r0 is done).
    CHECK(ms(r[1].first_token_ns) == Approx(8));
}

TEST_CASE("orca: whole prefills join the running decodes", "[scheduler][orca]") {
    // iteration 1 [0,1]: prefill r0 -> token 1.  iteration 2 [1,2]: decode r0 -> token 2.
    // r1 arrives at 1.5; iteration 3 [2,3]: decode r0 (token 3, done) + whole prefill r1 (its only token).
    auto cost = instant_cost();
    const auto run = policies::simulate(cluster_of("orca"), cost, workload_of({{0, 4, 3}, {1.5, 4, 1}}));
    const auto& r = run.requests;
    CHECK(ms(r[0].finish_ns) == Approx(3));
    CHECK(ms(r[1].first_token_ns) == Approx(3));
    CHECK(ms(r[1].finish_ns) == Approx(3));
}

TEST_CASE("orca: KV reserved for the maximum length limits concurrency", "[scheduler][orca]") {
    // 4 blocks of 16 tokens and max-model-len 32: only two requests fit at once; the third waits for one to end.
    auto cost = instant_cost();
    auto cfg = cluster_of("orca", 4, 16);
    cfg.limits.max_model_len = 32;
    const auto run = policies::simulate(cfg, cost, workload_of({{0, 4, 2}, {0, 4, 2}, {0, 4, 2}}));
    const auto& r = run.requests;
    CHECK(ms(r[0].finish_ns) == Approx(2));
    CHECK(ms(r[2].first_token_ns) == Approx(3));  // admitted at 2 ms when r0/r1 released their reservations
}

TEST_CASE("static: a batch runs to completion before the next one forms", "[scheduler][static]") {
    // max batch 2. iteration 1 [0,1]: prefill r0,r1. [1,2]: decode both -> r0 done (2 tokens).
    // [2,3]: decode r1 -> done (3 tokens). Only now r2 starts: [3,4] prefill -> its single token.
    auto cost = instant_cost();
    auto cfg = cluster_of("static");
    cfg.limits.max_batch_seqs = 2;
    const auto run = policies::simulate(cfg, cost, workload_of({{0, 4, 2}, {0, 4, 3}, {0, 4, 1}}));
    const auto& r = run.requests;
    CHECK(ms(r[0].finish_ns) == Approx(2));
    CHECK(ms(r[1].finish_ns) == Approx(3));
    CHECK(ms(r[2].first_token_ns) == Approx(4));
}

TEST_CASE("vllm: recompute preemption of the newest request when KV blocks run out", "[scheduler][vllm]") {
    // 4 blocks of 2 tokens. r0 and r1 (prompt 2, 4 outputs each) need 3 blocks each at the end: they cannot both
    // finish without r1 (the newest) being preempted and recomputed.
    auto cost = instant_cost();
    auto cfg = cluster_of("vllm", 4, 2);
    const auto run = policies::simulate(cfg, cost, workload_of({{0, 2, 4}, {0, 2, 4}}));
    const auto& r = run.requests;
    CHECK(r[0].phase() == sim::RequestPhase::finished);
    CHECK(r[1].phase() == sim::RequestPhase::finished);
    CHECK(r[0].preemptions == 0);
    CHECK(r[1].preemptions >= 1);
    CHECK(run.replicas[0].kv_peak_blocks <= 4);
    CHECK(r[1].finish_ns > r[0].finish_ns);
}

TEST_CASE("requests that can never fit are rejected, not queued forever", "[scheduler]") {
    auto cost = instant_cost();
    auto cfg = cluster_of("sarathi", 4, 2);  // 8 tokens of KV
    const auto run = policies::simulate(cfg, cost, workload_of({{0, 10, 10}, {0, 2, 2}}));
    CHECK(run.requests[0].phase() == sim::RequestPhase::rejected);
    CHECK(run.requests[1].phase() == sim::RequestPhase::finished);
}

TEST_CASE("pipeline parallelism keeps micro-batches in flight and measures the bubble", "[scheduler][pipeline]") {
    // Two near-equal stages (Llama-2-7B: 16 layers each; its LM head is small next to them), no host overhead,
    // stage time set by weight reads. A lone request can only be in one stage at
    // a time, so each stage idles half of the time; with many requests two micro-batches fill both stages.
    auto bubble = [](const sim::ReplicaStats& s) { return 1.0 - s.stage_busy_ns / (s.stages * s.active_ns); };
    {
        auto cost = instant_cost(2, "0", "1TB/s", "llama-2-7b");
        const auto run = policies::simulate(cluster_of("sarathi"), cost, workload_of({{0, 8, 16}}));
        CHECK(run.replicas[0].stages == 2);
        CHECK(bubble(run.replicas[0]) == Approx(0.5).margin(0.05));
    }
    {
        auto cost = instant_cost(2, "0", "1TB/s", "llama-2-7b");
        std::vector<Req> many;
        for (int i = 0; i < 64; ++i)
            many.push_back({0, 8, 16});
        const auto run = policies::simulate(cluster_of("sarathi"), cost, workload_of(many));
        for (const auto& r : run.requests)
            CHECK(r.phase() == sim::RequestPhase::finished);
        CHECK(bubble(run.replicas[0]) < 0.1);
    }
}

TEST_CASE("scheduler and router names are validated against their registries", "[scheduler]") {
    CHECK_THROWS_WITH(policies::make_scheduler("sarathy", {}),
                      Catch::Contains("--scheduler") && Catch::Contains("did you mean 'sarathi'"));
    CHECK(policies::scheduler_registry().names() == std::vector<std::string>{"vllm", "sarathi", "orca", "static"});
}
