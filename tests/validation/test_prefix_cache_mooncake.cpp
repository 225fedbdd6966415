// Prefix caching on the Mooncake FAST'25 traces: the hit rate llmsim's block cache reaches against the trace's own
// upper bound (every earlier prompt block still cached: an infinite cache with no concurrency), with device memory
// only and with a host-DRAM tier, and what caching does to TTFT. The bound comes from the trace's hash ids alone,
// so it is independent of the simulator.
#include <catch2/catch.hpp>
#include <cstdio>
#include <unordered_set>

#include "tests/support/test_support.hpp"
#include "tests/validation/validation_support.hpp"
#include "traces/workload_builder.hpp"

using namespace llmsim;
using namespace llmsim::test;

namespace {

constexpr int64_t kBlock = 16;

// Tokens of each prompt whose 512-token block chain appeared in an earlier prompt, counted in whole 16-token blocks
// and leaving at least one token to compute, over all prompt tokens of the first `n` requests.
double upper_bound_hit_rate(const traces::Workload& w, size_t n) {
    std::unordered_set<uint64_t> seen;
    double hits = 0, total = 0;
    for (size_t i = 0; i < n && i < w.requests.size(); ++i) {
        const auto& r = w.requests[i];
        int64_t run = 0;
        bool leading = true;
        for (uint32_t k = 0; k < r.segment_count; ++k) {
            const auto& s = w.segments[r.segment_offset + k];
            if (leading && seen.count(s.id) > 0) {
                run += s.tokens;
            } else {
                leading = false;
            }
            seen.insert(s.id);
        }
        const int64_t cap = (r.prompt_tokens - 1) / kBlock * kBlock;
        hits += static_cast<double>(std::min(run / kBlock * kBlock, cap));
        total += r.prompt_tokens;
    }
    return hits / total;
}

struct CacheRun {
    double hit_rate = 0, hbm = 0, lower = 0, ttft_ms = 0;
};

CacheRun simulate(const std::string& trace, const std::vector<std::string>& extra) {
    // The cache policies are the subject: the engine is pinned so the figures stay comparable across engine work.
    std::vector<std::string> args = {"run",        "--model",     "llama-3.1-8b", "--hardware",   "h100",
                                     "--replicas", "4",           "--trace",      trace,          "--max-model-len",
                                     "131072",     "--scheduler", "sarathi",      "--chunk-size", "2048",
                                     "--engine",   "vllm-v0"};
    args.insert(args.end(), extra.begin(), extra.end());
    const Json j = run_json(args);
    CacheRun c;
    c.ttft_ms = j["ttft_ms"]["mean"].get<double>();
    if (j.contains("prefix_cache")) {
        c.hit_rate = j["prefix_cache"]["hit_rate"].get<double>();
        c.hbm = j["prefix_cache"]["per_tier"]["hbm"]["hit_rate"].get<double>();
        c.lower = c.hit_rate - c.hbm;
    }
    return c;
}

void check_trace(const std::string& name) {
    const auto path = shared_file("traces/" + name);
    if (!path) {
        skip("../shared/traces/" + name + " not present");
        return;
    }
    traces::WorkloadOptions o;
    o.trace_path = *path;
    const traces::Workload w = traces::build_workload(o);
    const double bound = upper_bound_hit_rate(w, w.requests.size());
    const CacheRun off = simulate(*path, {"--prefix-cache", "off", "--router", "prefix-aware"});
    const CacheRun hbm = simulate(*path, {"--prefix-cache", "on", "--router", "prefix-aware"});
    const CacheRun rr = simulate(*path, {"--prefix-cache", "on"});
    const CacheRun dram =
        simulate(*path, {"--prefix-cache", "on", "--router", "prefix-aware", "--kv-tiers", "dram=512GiB@32GB/s"});
    std::printf("\nMooncake %s: %zu requests, llama-3.1-8b on 4 x h100 (sarathi, budget 2048)\n", name.c_str(),
                w.requests.size());
    std::printf("  upper bound (infinite cache, trace hash ids)     hit rate %5.1f%%\n", 100 * bound);
    std::printf(
        "  HBM only, round-robin                            hit rate %5.1f%%  (%.0f%% of bound)  TTFT %8.1f ms\n",
        100 * rr.hit_rate, 100 * rr.hit_rate / bound, rr.ttft_ms);
    std::printf(
        "  HBM only, prefix-aware router                    hit rate %5.1f%%  (%.0f%% of bound)  TTFT %8.1f ms\n",
        100 * hbm.hit_rate, 100 * hbm.hit_rate / bound, hbm.ttft_ms);
    std::printf(
        "  HBM + 512 GiB DRAM tier, prefix-aware            hit rate %5.1f%%  (HBM %.1f%% + DRAM %.1f%%, %.0f%% "
        "of bound)  TTFT %8.1f ms\n",
        100 * dram.hit_rate, 100 * dram.hbm, 100 * dram.lower, 100 * dram.hit_rate / bound, dram.ttft_ms);
    std::printf("  no prefix caching                                                          TTFT %8.1f ms\n",
                off.ttft_ms);
    // A cache can never beat the trace's own bound; more cache (a tier, cache-aware routing) never hurts here.
    CHECK(rr.hit_rate <= bound + 1e-6);
    CHECK(dram.hit_rate <= bound + 1e-6);
    CHECK(dram.hit_rate >= 0.85 * bound);  // 512 GiB per replica holds most of the reusable history
    CHECK(hbm.hit_rate >= rr.hit_rate);
    CHECK(dram.hit_rate > hbm.hit_rate);
    CHECK(dram.lower > 0);
    // Caching skips prefill work, so first tokens come sooner.
    CHECK(hbm.ttft_ms < off.ttft_ms);
    CHECK(dram.ttft_ms <= hbm.ttft_ms * 1.05);
}

}  // namespace

TEST_CASE("Mooncake conversation trace: hit rate against the infinite-cache bound, HBM and DRAM tiers",
          "[validation][prefix]") {
    check_trace("mooncake_conversation_trace.jsonl");
}

TEST_CASE("Mooncake synthetic trace: hit rate against the infinite-cache bound, HBM and DRAM tiers",
          "[validation][prefix]") {
    check_trace("mooncake_synthetic_trace.jsonl");
}

TEST_CASE("Mooncake prefix: one replica with room for everything reaches the infinite-cache bound",
          "[validation][prefix]") {
    // The first 600 conversation requests at a rate one replica sustains, with a DRAM tier that holds all of them:
    // the only misses left are prompts whose earlier copy is still being prefilled when they arrive.
    const auto path = shared_file("traces/mooncake_conversation_trace.jsonl");
    if (!path) {
        skip("../shared/traces/mooncake_conversation_trace.jsonl not present");
        return;
    }
    traces::WorkloadOptions o;
    o.trace_path = *path;
    o.num_requests = 600;
    const traces::Workload w = traces::build_workload(o);
    const double bound = upper_bound_hit_rate(w, 600);
    const Json j = run_json({"run", "--model", "llama-3.1-8b", "--hardware", "h100", "--trace", *path, "--num-requests",
                             "600", "--qps", "0.5", "--max-model-len", "131072", "--prefix-cache", "on", "--kv-tiers",
                             "dram=20TB@32GB/s"});
    const double hit = j["prefix_cache"]["hit_rate"].get<double>();
    std::printf(
        "\nMooncake conversation, first 600 requests at 0.5 req/s, one replica, 20 TB DRAM tier: hit rate "
        "%.2f%% vs bound %.2f%%\n",
        100 * hit, 100 * bound);
    CHECK(hit <= bound + 1e-6);  // the report rounds to 6 decimals
    CHECK(hit >= 0.97 * bound);
}
