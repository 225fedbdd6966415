// Speculative decoding's second layer: token trees (closed-form expected accepted length, tree-size verify passes),
// Medusa heads, position-dependent acceptance decay, the online acceptance ramp, draft length by batch size, PEARL's
// overlapped drafting with adaptive draft length, a drafter on a short (retrieved/sparse) context, and bad settings.
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

// No host overhead, so a step is exactly drafting + the verify pass (or their max when they overlap).
sim::ForwardCost a100(const std::string& model = "llama-3.1-8b") {
    const auto device = hardware::resolve_device("a100");
    auto dep =
        sim::make_deployment(models::resolve_model(model), {}, models::Precision::from_dtype(DType::fp16), device);
    return sim::ForwardCost(dep, hardware::CostModel(device), sim::FrameworkOverhead{});
}

sim::SpecDecodeStats totals(const sim::ServingRun& run) {
    sim::SpecDecodeStats s;
    for (const auto& r : run.replicas)
        s += r.spec;
    return s;
}

// Four requests one after another (batch 1 throughout), 8,000 verified tokens in all.
constexpr int32_t kPrompt = 512;
constexpr int32_t kOutput = 2001;
sim::ServingRun batch1_run(sim::ForwardCost& cost, const std::string& spec) {
    std::vector<Req> reqs;
    for (int i = 0; i < 4; ++i)
        reqs.push_back({i * 400e3, kPrompt, kOutput});
    auto cluster = cluster_of("sarathi");
    cluster.spec_decode = spec;
    cluster.seed = 9;
    return policies::simulate(cluster, cost, workload_of(reqs));
}

// Batch-1 verify and drafting times at the mean context, as the closed form takes them.
struct StepTimes {
    double draft_ms = 0;
    double verify_ms = 0;
};
StepTimes step_times(sim::ForwardCost& cost, const policies::SpecDecodeSetup& sd) {
    const int64_t mid = kPrompt + kOutput / 2;
    models::BatchShape verify;
    verify.add_verify(mid, 1 + sim::tree_tokens(sd.config.tree, sd.config.gamma));
    models::BatchShape decodes;
    decodes.add_decode(mid);
    auto& d = *sd.drafter.drafter;
    const double draft =
        sd.config.tree.empty() ? d.draft_ns(decodes, sd.config.gamma) : d.tree_draft_ns(decodes, sd.config.tree);
    return {draft * 1e-6, cost.iteration_ns(verify) * 1e-6};
}

double mean_tpot_ms(const sim::ServingRun& run) {
    return sim::summarize(run.requests, {}).tpot_ms.mean;
}

}  // namespace

TEST_CASE("tree expected accepted length: closed form, enumeration and draws agree", "[spec_decode][analytic]") {
    // Depth 1 with b candidates: one accepted with 1 - (1 - a)^b.
    const std::vector<int32_t> t1 = {3};
    CHECK(sim::expected_tokens_per_step({0.5, 1, t1, 1}) == Approx(1 + (1 - 0.125)));
    // 2-2 at alpha 0.5: p = 0.75 per depth, 1 + 0.75 + 0.5625.
    const std::vector<int32_t> t22 = {2, 2};
    CHECK(sim::expected_tokens_per_step({0.5, 1, t22, 2}) == Approx(2.3125));
    CHECK(sim::tree_tokens(t22, 2) == 6);
    const std::vector<int32_t> t4221 = {4, 2, 2, 1};
    CHECK(sim::tree_tokens(t4221, 4) == 4 + 8 + 16 + 16);
    CHECK(sim::tree_tokens(t4221, 2) == 12);
    // A chain of ones is the chain formula; wider trees accept more at the same alpha, never more than depth + 1.
    const std::vector<int32_t> ones = {1, 1, 1, 1};
    CHECK(sim::expected_tokens_per_step({0.7, 1, ones, 4}) == Approx(sim::expected_tokens_per_step(0.7, 4)));
    CHECK(sim::expected_tokens_per_step({0.7, 1, t4221, 4}) > sim::expected_tokens_per_step(0.7, 4));
    CHECK(sim::expected_tokens_per_step({1.0, 1, t4221, 4}) == Approx(5));
    // Brute force over the independent candidate outcomes of a 2-1 tree at alpha 0.6: depth 1 is reached unless
    // both candidates fail (0.16); depth 2 needs the single child of the accepted node.
    const double brute = 1 + (1 - 0.4 * 0.4) * (1 + 0.6);
    const std::vector<int32_t> t21 = {2, 1};
    CHECK(sim::expected_tokens_per_step({0.6, 1, t21, 2}) == Approx(brute));
    // Draws follow the law.
    Rng rng(17);
    for (double alpha : {0.3, 0.6, 0.9}) {
        double sum = 0;
        const int n = 200000;
        for (int i = 0; i < n; ++i)
            sum += 1 + sim::draw_accepted(rng, {alpha, 0.9, t4221, 4});
        const double expected = sim::expected_tokens_per_step({alpha, 0.9, t4221, 4});
        INFO("alpha " << alpha << " simulated " << sum / n << " expected " << expected);
        CHECK(std::abs(sum / n - expected) / expected < 0.01);
    }
}

TEST_CASE("decay: position i is accepted with alpha * decay^i", "[spec_decode][analytic]") {
    const double a = 0.8;
    const double d = 0.9;
    // 1 + a + a^2 d + a^3 d^3 + a^4 d^6
    const double closed = 1 + a + a * a * d + std::pow(a, 3) * std::pow(d, 3) + std::pow(a, 4) * std::pow(d, 6);
    CHECK(sim::expected_tokens_per_step({a, d, {}, 4}) == Approx(closed));
    CHECK(sim::expected_tokens_per_step({a, 1, {}, 4}) == Approx(sim::expected_tokens_per_step(a, 4)));
    // In the batching loop at batch 1.
    auto cost = a100();
    const auto run = batch1_run(cost, "eagle:gamma=4,alpha=0.8,decay=0.9");
    const auto st = totals(run);
    const double sim_tokens = static_cast<double>(st.emitted_tokens) / st.verifies;
    std::cout << "decay 0.9: tokens/step sim " << sim_tokens << " analytic " << closed << "\n";
    CHECK(std::abs(sim_tokens - closed) / closed < 0.03);
}

TEST_CASE("batch 1 with a tree: tokens per step and TPOT match the closed form", "[spec_decode][analytic]") {
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"llama-3.1-8b", "eagle:tree=4-2-2-1,alpha=0.6"},
        {"llama-3.1-8b", "medusa:heads=3,alpha=0.6,decay=0.8"},
        {"llama-2-13b", "medusa:tree=3-2-2,alpha=0.55,decay=0.85"},
    };
    for (const auto& [target, spec] : cases) {
        auto cost = a100(target);
        const auto sd = policies::make_spec_decode(spec, cost, 9);
        const auto run = batch1_run(cost, spec);
        const auto st = totals(run);
        const double tokens =
            sim::expected_tokens_per_step({sd.config.alpha, sd.config.decay, sd.config.tree, sd.config.gamma});
        const StepTimes t = step_times(cost, sd);
        const double tpot_expected = (t.draft_ms + t.verify_ms) / tokens;
        const double sim_tokens = static_cast<double>(st.emitted_tokens) / st.verifies;
        const double tpot = mean_tpot_ms(run);
        std::cout << target << " " << spec << ": tokens/step sim " << sim_tokens << " analytic " << tokens
                  << "; TPOT sim " << tpot << " ms analytic " << tpot_expected << " ms (draft " << t.draft_ms
                  << " ms, verify " << t.verify_ms << " ms)\n";
        CHECK(std::abs(sim_tokens - tokens) / tokens < 0.03);
        CHECK(std::abs(tpot - tpot_expected) / tpot_expected < 0.03);
        CHECK(st.proposed_tokens == st.verifies * sim::tree_tokens(sd.config.tree, sd.config.gamma));
    }
}

TEST_CASE("a tree verify costs more than a chain; Medusa heads cost one pass whatever the tree", "[spec_decode]") {
    auto cost = a100();
    models::BatchShape decodes;
    for (int i = 0; i < 8; ++i)
        decodes.add_decode(1000);
    const auto chain = policies::make_spec_decode("eagle:gamma=4", cost, 0);
    const auto tree = policies::make_spec_decode("eagle:tree=4-2-2-1", cost, 0);
    CHECK(tree.drafter.drafter->tree_draft_ns(decodes, tree.config.tree) > chain.drafter.drafter->draft_ns(decodes, 4));
    const auto medusa = policies::make_spec_decode("medusa:heads=4", cost, 0);
    const auto medusa_tree = policies::make_spec_decode("medusa:tree=4-2-2-1", cost, 0);
    CHECK(medusa.drafter.drafter->draft_ns(decodes, 4) ==
          Approx(medusa_tree.drafter.drafter->tree_draft_ns(decodes, medusa_tree.config.tree)));
    // Four heads of hidden^2 + hidden * vocab in fp16; a tree has one head per depth.
    const double h = 4096;
    CHECK(medusa.drafter.weight_bytes_per_gpu == Approx(4 * (h * h + h * 128256) * 2));
    const auto medusa3 = policies::make_spec_decode("medusa:tree=3-2-2", cost, 0);
    CHECK(medusa3.drafter.weight_bytes_per_gpu == Approx(3 * (h * h + h * 128256) * 2));
    CHECK(medusa3.drafter.drafter->tree_draft_ns(decodes, medusa3.config.tree) ==
          Approx(0.75 * medusa.drafter.drafter->draft_ns(decodes, 4)));
    // The verify pass of the tree carries 1 + 44 queries per sequence.
    sim::SpecDecoder dec(tree.config, tree.drafter.drafter, 0);
    CHECK(dec.decode_tokens(1) == 45);
}

TEST_CASE("draft length by batch size and the max_batch switch", "[spec_decode]") {
    auto cost = a100();
    const auto sd = policies::make_spec_decode("eagle:gamma=5,batch_gamma=8:3/32:1,max_batch=64", cost, 0);
    sim::SpecDecoder dec(sd.config, sd.drafter.drafter, 0);
    CHECK(dec.decode_tokens(1) == 6);
    CHECK(dec.decode_tokens(8) == 6);
    CHECK(dec.decode_tokens(9) == 4);
    CHECK(dec.decode_tokens(32) == 4);
    CHECK(dec.decode_tokens(33) == 2);
    CHECK(dec.decode_tokens(64) == 2);
    CHECK(dec.decode_tokens(65) == 1);
    // A zero in the schedule switches speculation off from there; trees keep their first levels.
    const auto t = policies::make_spec_decode("eagle:tree=4-2-2-1,batch_gamma=4:2/16:0", cost, 0);
    sim::SpecDecoder tdec(t.config, t.drafter.drafter, 0);
    CHECK(tdec.decode_tokens(4) == 45);
    CHECK(tdec.decode_tokens(5) == 13);
    CHECK(tdec.decode_tokens(17) == 1);
    // In the loop: with many requests at once the mean depth falls below gamma.
    std::vector<Req> reqs(48, Req{0, 64, 200});
    auto cluster = cluster_of("sarathi");
    cluster.spec_decode = "eagle:gamma=5,alpha=0.7,batch_gamma=8:3/32:1";
    const auto run = policies::simulate(cluster, cost, workload_of(reqs));
    const auto st = totals(run);
    const double mean_depth = static_cast<double>(st.depth_sum) / st.verifies;
    std::cout << "batch_gamma 8:3/32:1, 48 requests: mean depth " << mean_depth << "\n";
    CHECK(mean_depth < 3);
    CHECK(mean_depth > 1);
}

TEST_CASE("online acceptance ramp: per-request alpha rises from a0 to a1", "[spec_decode][analytic]") {
    CHECK(sim::ramped_alpha(0.4, 0.8, 0, 100) == Approx(0.4));
    CHECK(sim::ramped_alpha(0.4, 0.8, 50, 100) == Approx(0.6));
    CHECK(sim::ramped_alpha(0.4, 0.8, 500, 100) == Approx(0.8));
    auto cost = a100();
    std::vector<Req> reqs;
    for (int i = 0; i < 200; ++i)
        reqs.push_back({i * 50.0, 128, 64});
    for (const std::string ramp : {"ramp=100", "ramp=5s"}) {
        auto cluster = cluster_of("sarathi");
        cluster.spec_decode = "eagle:gamma=4,alpha=0.3,alpha_to=0.9," + ramp;
        cluster.seed = 4;
        const auto run = policies::simulate(cluster, cost, workload_of(reqs));
        for (const auto& r : run.requests) {
            const double progress = ramp == "ramp=100" ? r.id / 100.0 : r.arrival_ns * 1e-9 / 5.0;
            CHECK(r.spec_alpha == Approx(0.3 + 0.6 * std::min(1.0, progress)).margin(1e-6));
        }
        // Accepted drafts per request follow the ramp: a request of 63 verified tokens at rate a accepts about
        // 63 (1 - 1 / E(a, 4)) of them; the first 50 requests (low on the ramp) against the last 50 (at its top).
        double early = 0;
        double late = 0;
        double early_expected = 0;
        double late_expected = 0;
        for (size_t i = 0; i < 50; ++i) {
            const auto& first = run.requests[i];
            const auto& last = run.requests[run.requests.size() - 1 - i];
            early += first.spec_accepted;
            late += last.spec_accepted;
            early_expected += 63 * (1 - 1 / sim::expected_tokens_per_step(first.spec_alpha, 4));
            late_expected += 63 * (1 - 1 / sim::expected_tokens_per_step(last.spec_alpha, 4));
        }
        std::cout << ramp << ": accepted drafts, first 50 requests " << early << " (expected " << early_expected
                  << "), last 50 " << late << " (expected " << late_expected << ")\n";
        CHECK(std::abs(early - early_expected) / early_expected < 0.05);
        CHECK(std::abs(late - late_expected) / late_expected < 0.05);
        CHECK(late > 1.5 * early);
        // Deterministic: the same seed gives the same draws.
        const auto again = policies::simulate(cluster, cost, workload_of(reqs));
        CHECK(sim::requests_csv(run.requests, true) == sim::requests_csv(again.requests, true));
    }
}

TEST_CASE("PEARL: overlapped drafting costs max(draft, verify) and the draft length balances them",
          "[spec_decode][analytic]") {
    auto cost = a100("llama-2-13b");
    const std::string spec = "pearl:model=llama-2-7b,gamma=8,alpha=0.8";
    const auto sd = policies::make_spec_decode(spec, cost, 9);
    CHECK(sd.config.overlap);
    CHECK(sd.config.adaptive);
    CHECK(sd.drafter.weight_bytes_per_gpu == 0);  // on its own device
    // The balanced length: the 7B's step is about half the 13B's, so two drafts fit in one verify.
    models::BatchShape one;
    one.add_decode(kPrompt + kOutput / 2);
    const int32_t g = sd.drafter.drafter->adapt_gamma(one, one, 8, 0.8, 1);
    auto draft_cost = a100("llama-2-7b");
    const double ratio = cost.iteration_ns(one) / draft_cost.iteration_ns(one);
    CHECK(g == std::lround(ratio));
    const auto run = batch1_run(cost, spec);
    const auto st = totals(run);
    const double mean_depth = static_cast<double>(st.depth_sum) / st.verifies;
    CHECK(mean_depth == Approx(g).margin(0.01));
    // TPOT: max(g * t_draft, t_verify) / E(alpha, g).
    auto sdg = policies::make_spec_decode("pearl:model=llama-2-7b,gamma=" + std::to_string(g) + ",alpha=0.8", cost, 9);
    const StepTimes t = step_times(cost, sdg);
    const double tokens = sim::expected_tokens_per_step(0.8, g);
    const double tpot_expected = std::max(t.draft_ms, t.verify_ms) / tokens;
    const double tpot = mean_tpot_ms(run);
    std::cout << spec << ": adaptive gamma " << g << " (ratio " << ratio << "), TPOT sim " << tpot << " ms analytic "
              << tpot_expected << " ms\n";
    CHECK(std::abs(tpot - tpot_expected) / tpot_expected < 0.03);
    // Against vanilla speculative decoding with the same draft model and length: faster, by at most 2x.
    const double vanilla =
        mean_tpot_ms(batch1_run(cost, "draft:model=llama-2-7b,alpha=0.8,gamma=" + std::to_string(g)));
    std::cout << "vanilla SD TPOT " << vanilla << " ms: PEARL " << vanilla / tpot << "x\n";
    CHECK(vanilla / tpot > 1.2);
    CHECK(vanilla / tpot <= 2.0);
}

TEST_CASE("a drafter on a short context keeps its cost flat as the context grows", "[spec_decode]") {
    auto cost = a100("llama-3.1-70b");
    const auto full = policies::make_spec_decode("draft:model=llama-3.1-8b,gamma=4", cost, 0);
    const auto rag = policies::make_spec_decode("draft:model=llama-3.1-8b,gamma=4,context=4096", cost, 0);
    CHECK(rag.drafter.drafter->context_tokens_max == 4096);
    // Self-speculation over a sparse KV (TriForce) shares the target's weights and KV.
    const auto self = policies::make_spec_decode("draft:model=llama-3.1-70b,gamma=4,context=4096", cost, 0);
    CHECK(self.drafter.weight_bytes_per_gpu == 0);
    CHECK(self.drafter.kv_bytes_per_token_per_gpu == 0);
    CHECK(full.drafter.weight_bytes_per_gpu > 0);
    // In the loop at a 64K context: the short-context drafter drafts faster.
    std::vector<Req> reqs = {{0, 65536, 200}};
    auto cluster = cluster_of("sarathi");
    cluster.limits.chunk_size = 8192;
    cluster.spec_decode = "draft:model=llama-3.1-8b,gamma=4,alpha=0.8";
    const double full_draft = totals(policies::simulate(cluster, cost, workload_of(reqs))).draft_ns;
    cluster.spec_decode += ",context=4096";
    const double rag_draft = totals(policies::simulate(cluster, cost, workload_of(reqs))).draft_ns;
    std::cout << "64K context: drafting " << full_draft * 1e-6 << " ms full, " << rag_draft * 1e-6
              << " ms over 4K retrieved\n";
    CHECK(rag_draft < 0.8 * full_draft);
}

TEST_CASE("bad tree, decay, ramp and schedule settings are usage errors", "[spec_decode]") {
    auto cost = a100("llama-2-13b");
    for (const std::string bad : {"eagle:tree=4-0",
                                  "eagle:tree=4-x",
                                  "eagle:tree=64-64",
                                  "eagle:gamma=3,tree=4-2",
                                  "medusa:heads=2,tree=3-2-1",
                                  "eagle:decay=0",
                                  "eagle:decay=1.5",
                                  "eagle:alpha_to=1.2,ramp=10",
                                  "eagle:ramp=10",
                                  "eagle:alpha_to=0.9,ramp=0",
                                  "eagle:alpha_to=0.9,ramp=-5s",
                                  "eagle:batch_gamma=8",
                                  "eagle:batch_gamma=8:3/4:1",
                                  "eagle:batch_gamma=8:65",
                                  "eagle:alpha=0.5,alpha_to=0.99,alpha_spread=0.2,ramp=10",
                                  "pearl:model=llama-3-8b",
                                  "pearl:model=llama-2-7b,adaptive=maybe",
                                  "draft:model=llama-2-13b",
                                  "medusa:heads=0",
                                  "medusa:heads=65",
                                  "medusa:alpha=1.01",
                                  "medusa:alpha=-0.5",
                                  "hydra"}) {
        INFO(bad);
        CHECK_THROWS_AS(policies::make_spec_decode(bad, cost, 0), UsageError);
    }
    CHECK_NOTHROW(policies::make_spec_decode("eagle:gamma=4,tree=4-2-2-1", cost, 0));
    CHECK_NOTHROW(policies::make_spec_decode("pearl:model=llama-2-7b,adaptive=off", cost, 0));
}

TEST_CASE("adaptive: the draft length maximising tokens per second shrinks as the batch grows", "[spec_decode]") {
    auto cost = a100("llama-2-13b");
    const auto sd = policies::make_spec_decode("adaptive:model=llama-tiny-110m,gamma=8,alpha=0.8", cost, 0);
    CHECK(sd.config.adaptive);
    CHECK_FALSE(sd.config.overlap);
    auto& d = *sd.drafter.drafter;
    auto shape = [](int n) {
        models::BatchShape s;
        for (int i = 0; i < n; ++i)
            s.add_decode(1024);
        return s;
    };
    const int32_t g1 = d.adapt_gamma(shape(1), shape(1), 8, 0.8, 1);
    const int32_t g256 = d.adapt_gamma(shape(256), shape(256), 8, 0.8, 1);
    const int32_t g_low_alpha = d.adapt_gamma(shape(1), shape(1), 8, 0.3, 1);
    std::cout << "adaptive gamma: batch 1 " << g1 << ", batch 256 " << g256 << ", batch 1 at alpha 0.3 " << g_low_alpha
              << "\n";
    CHECK(g1 >= 4);
    CHECK(g256 < g1);
    CHECK(g_low_alpha < g1);
    // Before any step has been seen the decoder drafts gamma.
    sim::SpecDecoder dec(sd.config, sd.drafter.drafter, 0);
    CHECK(dec.decode_tokens(1) == 9);
}

TEST_CASE("trees, PEARL and adaptive lengths conserve tokens and free KV", "[spec_decode]") {
    auto cost = a100();
    std::vector<Req> reqs;
    for (int i = 0; i < 60; ++i)
        reqs.push_back({i * 2.0, 200 + 37 * (i % 7), 50 + 61 * (i % 5)});
    for (const std::string spec :
         {"eagle:tree=3-2-2,alpha=0.7,alpha_spread=0.1", "medusa:tree=4-2-1,decay=0.9",
          "pearl:model=llama-3.1-8b,context=256", "adaptive:model=llama-3.1-8b,context=128,alpha=0.6",
          "eagle:gamma=5,alpha=0.2,alpha_to=0.9,ramp=30,batch_gamma=4:2/12:0"}) {
        auto cluster = cluster_of("vllm", 150, 16);
        cluster.limits.max_model_len = 4096;
        cluster.spec_decode = spec;
        cluster.seed = 2;
        const auto run = policies::simulate(cluster, cost, workload_of(reqs));
        const auto st = totals(run);
        int64_t outputs = 0;
        int64_t accepted = 0;
        for (const auto& r : run.requests) {
            REQUIRE(r.phase() == sim::RequestPhase::finished);
            CHECK(r.generated == r.output_tokens);
            CHECK(r.kv_blocks() == 0);
            outputs += r.output_tokens;
            accepted += r.spec_accepted;
        }
        INFO(spec);
        CHECK(accepted == st.emitted_tokens - st.verifies);
        CHECK(st.emitted_tokens <= outputs - static_cast<int64_t>(reqs.size()));
        CHECK(st.verifies > 0);
    }
}
