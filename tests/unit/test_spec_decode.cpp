// Speculative decoding in the batching loop: the simulated tokens per step and TPOT against the closed form at batch
// 1, no gain and the drafting overhead at alpha = 0, the batch size where speculation starts to lose, conservation of
// tokens and KV, determinism, and the verify pass's batch shape.
#include <catch2/catch.hpp>
#include <cmath>
#include <iostream>

#include "hardware/catalogue.hpp"
#include "policies/specdec/specdec.hpp"
#include "sim/serving/metrics.hpp"
#include "tests/unit/sim_fixture.hpp"

using namespace llmsim;
using namespace llmsim::test;

namespace {

// Llama-3.1-8B on an A100 without host overhead, so a step is exactly drafting + the verify pass.
sim::ForwardCost a100_cost(const std::string& model = "llama-3.1-8b") {
    const auto device = hardware::resolve_device("a100");
    auto dep =
        sim::make_deployment(models::resolve_model(model), {}, models::Precision::from_dtype(DType::fp16), device);
    return sim::ForwardCost(dep, hardware::CostModel(device), sim::FrameworkOverhead{});
}

sim::SpecDecodeStats spec_totals(const sim::ServingRun& run) {
    sim::SpecDecodeStats s;
    for (const auto& r : run.replicas)
        s += r.spec;
    return s;
}

double mean_tpot_ms(const sim::ServingRun& run) {
    return sim::summarize(run.requests, {}).tpot_ms.mean;
}

// Decode-phase tokens per second of `n` requests that all arrive at t = 0 (batch n for most of the run).
double decode_tokens_per_s(sim::ForwardCost& cost, int32_t n, const std::string& spec) {
    std::vector<Req> reqs(static_cast<size_t>(n), Req{0, 16, 512});
    auto cluster = cluster_of("sarathi");
    cluster.limits.max_batch_seqs = 1024;
    cluster.limits.chunk_size = 1 << 20;  // no token budget: every running request decodes every step
    cluster.spec_decode = spec;
    const auto run = policies::simulate(cluster, cost, workload_of(reqs));
    int64_t last = 0;
    for (const auto& r : run.requests)
        last = std::max(last, r.finish_ns);
    return static_cast<double>(n) * 512 / (static_cast<double>(last) * 1e-9);
}

// Counts the output tokens the lifecycle reports, and those reported by steps that emitted more than one.
struct TokenCounter final : sim::LifecycleObserver {
    int64_t tokens = 0;
    int64_t verify_tokens = 0;
    void on_tokens(const sim::RequestState& r, int32_t n, int64_t /*now_ns*/) override {
        tokens += n;
        if (r.prefill_done() && r.generated > r.generated_at_prefill() + n) verify_tokens += n;
    }
};

}  // namespace

TEST_CASE("acceptance draws follow the truncated geometric law", "[spec_decode]") {
    Rng rng(7);
    const int32_t gamma = 4;
    for (double alpha : {0.0, 0.5, 0.8, 1.0}) {
        double sum = 0;
        const int n = 200000;
        for (int i = 0; i < n; ++i) {
            const int32_t a = sim::draw_accepted(rng, alpha, gamma);
            REQUIRE(a >= 0);
            REQUIRE(a <= gamma);
            sum += a + 1;
        }
        const double expected = sim::expected_tokens_per_step(alpha, gamma);
        INFO("alpha " << alpha << " simulated " << sum / n << " expected " << expected);
        CHECK(std::abs(sum / n - expected) / expected < 0.01);
    }
    CHECK(sim::expected_tokens_per_step(0.8, 4) == Approx((1 - std::pow(0.8, 5)) / 0.2));
    CHECK(sim::expected_tokens_per_step(1.0, 4) == 5.0);
}

TEST_CASE("a verify is gamma + 1 causal queries over the context", "[spec_decode]") {
    models::BatchShape v;
    v.add_verify(100, 5);
    CHECK(v.decode_seqs == 1);
    CHECK(v.total_tokens() == 5);
    CHECK(v.logits_seqs == 5);
    CHECK(v.decode_kv_tokens == 105);
    // Pairs: query i (0-based) sees 100 + i + 1 keys.
    CHECK(static_cast<double>(v.decode_kv_tokens) + v.decode_extra_pairs == Approx(5 * 100 + 15));
    // Costlier than one decode, far cheaper than five (weights are read once).
    auto cost = a100_cost();
    models::BatchShape d;
    d.add_decode(100);
    const double t1 = cost.iteration_ns(d);
    const double t5 = cost.iteration_ns(v);
    CHECK(t5 > t1);
    CHECK(t5 < 1.2 * t1);
}

TEST_CASE("batch 1: tokens per step and TPOT match the closed form", "[spec_decode][analytic]") {
    // Four requests one after another (batch 1 throughout), 8,000 verified tokens in all.
    const int32_t prompt = 512;
    const int32_t output = 2001;
    std::vector<Req> reqs;
    for (int i = 0; i < 4; ++i)
        reqs.push_back({i * 300e3, prompt, output});
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"llama-3.1-8b", "eagle:gamma=4,alpha=0.8"},
        {"llama-2-13b", "draft:model=llama-2-7b,gamma=3,alpha=0.7"},
        {"qwen3-30b-a3b", "mtp:depth=2,alpha=0.9"},
        {"llama-3.1-8b", "ngram:gamma=6,alpha=0.5"},
    };
    for (const auto& [target, spec] : cases) {
        auto cost = a100_cost(target);
        auto cluster = cluster_of("sarathi");
        cluster.spec_decode = spec;
        cluster.seed = 3;
        const auto run = policies::simulate(cluster, cost, workload_of(reqs));
        const sim::SpecDecodeStats st = spec_totals(run);
        const auto sd = policies::make_spec_decode(spec, cost, 3);
        const double alpha = sd.config.alpha;
        const int32_t gamma = sd.config.gamma;
        const double tokens = sim::expected_tokens_per_step(alpha, gamma);
        // Attention grows linearly with the context, so a step at the mean context is the mean step.
        const int64_t mid = prompt + output / 2;
        models::BatchShape verify;
        verify.add_verify(mid, gamma + 1);
        models::BatchShape decodes;
        decodes.add_decode(mid);
        const double t_verify_ms = cost.iteration_ns(verify) * 1e-6;
        const double draft_ms = sd.drafter.drafter->draft_ns(decodes, gamma) * 1e-6;  // gamma * t_draft
        const double tpot_expected = (draft_ms + t_verify_ms) / tokens;
        const double sim_tokens = static_cast<double>(st.emitted_tokens) / st.verifies;
        const double tpot = mean_tpot_ms(run);
        std::cout << target << " " << spec << ": tokens/step sim " << sim_tokens << " analytic " << tokens
                  << "; TPOT sim " << tpot << " ms analytic " << tpot_expected << " ms (draft " << draft_ms
                  << " ms, verify " << t_verify_ms << " ms)\n";
        CHECK(std::abs(sim_tokens - tokens) / tokens < 0.03);
        CHECK(std::abs(tpot - tpot_expected) / tpot_expected < 0.03);
        CHECK(st.emitted_tokens == 4 * (output - 1));  // each prefill samples its request's first token
    }
}

TEST_CASE("alpha = 0 gives one token per step and pays the overhead", "[spec_decode][analytic]") {
    auto cost = a100_cost("llama-2-13b");
    const auto w = workload_of({{0, 512, 1001}});
    auto plain = cluster_of("sarathi");
    const double tpot_plain = mean_tpot_ms(policies::simulate(plain, cost, w));
    auto spec = plain;
    spec.spec_decode = "draft:model=llama-2-7b,gamma=4,alpha=0";
    const auto run = policies::simulate(spec, cost, w);
    const auto st = spec_totals(run);
    CHECK(st.accepted_tokens == 0);
    CHECK(st.emitted_tokens == st.verifies);
    const double tpot = mean_tpot_ms(run);
    std::cout << "alpha 0: TPOT plain " << tpot_plain << " ms, speculative " << tpot << " ms\n";
    CHECK(tpot > 1.2 * tpot_plain);  // four draft steps and a five-token verify for one token
}

TEST_CASE("at large batch speculation loses: the crossover batch size", "[spec_decode][analytic]") {
    auto cost = a100_cost();
    const std::string spec = "eagle:gamma=4,alpha=0.7";
    int32_t crossover = 0;
    for (int32_t n = 1; n <= 512 && crossover == 0; n *= 2) {
        const double plain = decode_tokens_per_s(cost, n, "");
        const double sd = decode_tokens_per_s(cost, n, spec);
        std::cout << "batch " << n << ": plain " << plain << " tok/s, " << spec << " " << sd << " tok/s (" << sd / plain
                  << "x)\n";
        if (n == 1) CHECK(sd > 1.5 * plain);
        if (sd < plain) crossover = n;
    }
    std::cout << "crossover batch size: " << crossover << "\n";
    CHECK(crossover > 1);
    CHECK(crossover <= 512);
    // max_batch switches speculation off above it, so it never loses there.
    const std::string capped = spec + ",max_batch=" + std::to_string(crossover / 2);
    CHECK(decode_tokens_per_s(cost, crossover, capped) == Approx(decode_tokens_per_s(cost, crossover, "")));
}

TEST_CASE("every token is counted once and KV is freed, under preemption and chunked prefill", "[spec_decode]") {
    auto cost = a100_cost();
    std::vector<Req> reqs;
    for (int i = 0; i < 60; ++i)
        reqs.push_back({i * 2.0, 200 + 37 * (i % 7), 50 + 61 * (i % 5)});
    for (const std::string scheduler : {"sarathi", "vllm", "orca", "static"}) {
        auto cluster = cluster_of(scheduler, scheduler == "orca" || scheduler == "static" ? 100000 : 150, 16);
        cluster.limits.chunk_size = 256;  // chunked prefills share steps with verifies
        cluster.limits.max_model_len = 4096;
        cluster.spec_decode = "eagle:gamma=5,alpha=0.75,alpha_spread=0.15";
        cluster.seed = 11;
        TokenCounter counter;
        const auto run = policies::simulate(cluster, cost, workload_of(reqs), nullptr, {&counter});
        const auto st = spec_totals(run);
        int64_t outputs = 0;
        int64_t accepted = 0;
        int64_t preemptions = 0;
        for (const auto& r : run.requests) {
            REQUIRE(r.phase() == sim::RequestPhase::finished);
            CHECK(r.generated == r.output_tokens);
            CHECK(r.kv_blocks() == 0);
            CHECK(r.spec_alpha >= 0);
            outputs += r.output_tokens;
            accepted += r.spec_accepted;
            preemptions += r.preemptions;
        }
        INFO(scheduler << " preemptions " << preemptions);
        // Every output token is reported once, by a prefill's last chunk (the first token, and the next one after a
        // recompute preemption) or by a verify.
        CHECK(counter.tokens == outputs);
        CHECK(counter.verify_tokens == st.emitted_tokens);
        CHECK(st.emitted_tokens <= outputs - static_cast<int64_t>(reqs.size()));
        CHECK(accepted == st.emitted_tokens - st.verifies);
        if (scheduler == "vllm") CHECK(preemptions > 0);
    }
}

TEST_CASE("speculative runs are deterministic per seed", "[spec_decode]") {
    auto cost = a100_cost();
    std::vector<Req> reqs;
    for (int i = 0; i < 30; ++i)
        reqs.push_back({i * 5.0, 300, 120});
    auto cluster = cluster_of("sarathi");
    cluster.replicas = 2;
    cluster.spec_decode = "ngram:gamma=4,alpha=0.6,alpha_spread=0.2";
    cluster.seed = 5;
    const auto a = policies::simulate(cluster, cost, workload_of(reqs));
    const auto b = policies::simulate(cluster, cost, workload_of(reqs));
    CHECK(sim::requests_csv(a.requests, true) == sim::requests_csv(b.requests, true));
    cluster.seed = 6;
    const auto c = policies::simulate(cluster, cost, workload_of(reqs));
    CHECK(sim::requests_csv(a.requests, true) != sim::requests_csv(c.requests, true));
}

TEST_CASE("a draft model takes memory; bad drafter settings are usage errors", "[spec_decode]") {
    auto cost = a100_cost("llama-2-13b");
    const auto sd = policies::make_spec_decode("draft:model=llama-2-7b", cost, 0);
    CHECK(sd.drafter.weight_bytes_per_gpu > 12e9);
    CHECK(sd.drafter.kv_bytes_per_token_per_gpu > 0);
    const auto eagle = policies::make_spec_decode("eagle", cost, 0);
    CHECK(eagle.drafter.weight_bytes_per_gpu > 0);
    CHECK(eagle.drafter.weight_bytes_per_gpu < 0.1 * sd.drafter.weight_bytes_per_gpu);
    CHECK(policies::make_spec_decode("ngram", cost, 0).drafter.weight_bytes_per_gpu == 0);
    CHECK_THROWS_AS(policies::make_spec_decode("eagle:gamma=0", cost, 0), UsageError);
    CHECK_THROWS_AS(policies::make_spec_decode("eagle:gamma=65", cost, 0), UsageError);
    CHECK_THROWS_AS(policies::make_spec_decode("eagle:alpha=-0.1", cost, 0), UsageError);
    CHECK_THROWS_AS(policies::make_spec_decode("eagle:alpha=0.5,alpha_spread=0.5", cost, 0), UsageError);
    CHECK_THROWS_AS(policies::make_spec_decode("draft:model=llama-3-8b", cost, 0), UsageError);  // 128256 vs 32000
    CHECK_THROWS_AS(policies::make_spec_decode("draft", cost, 0), UsageError);                   // model is required
    CHECK_THROWS_AS(policies::make_spec_decode("hydra", cost, 0), UsageError);
}
