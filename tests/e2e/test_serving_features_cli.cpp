// Prefix caching, KV tiers, preemption and workload files through the real binary: the JSON sections they add, and
// every bad-input path (exit 2, one line naming the flag or file:line/key, nothing written).
#include <catch2/catch.hpp>
#include <filesystem>

#include "common/json_io.hpp"
#include "tests/support/cli_checks.hpp"
#include "tests/support/test_support.hpp"

using namespace llmsim::test;

namespace {

const std::string kSharedPrefix = R"(load:
  type: constant
  stages:
    - rate: 4
      duration: 10
    - rate: 8
      duration: 10
data:
  type: shared_prefix
  shared_prefix:
    num_groups: 2
    num_prompts_per_group: 5
    system_prompt_len: 512
    question_len: 64
    output_len: 32
)";

}  // namespace

TEST_CASE("run --prefix-cache on with a workload file reports hits and one summary per load stage", "[cli][prefix]") {
    TempDir dir;
    const auto yaml = dir.write("w.yaml", kSharedPrefix);
    const CommandResult r = run_llmsim({"run", "--workload", yaml, "--prefix-cache", "on", "--json"});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    const auto j = llmsim::Json::parse(r.out);
    CHECK(j["requests"] == 120);
    REQUIRE(j.contains("prefix_cache"));
    // 10 distinct prompts of 576 tokens: after the first of each, everything but the last partial block hits.
    CHECK(j["prefix_cache"]["hit_rate"].get<double>() > 0.8);
    CHECK(j["prefix_cache"]["per_tier"]["hbm"]["hit_tokens"] == j["prefix_cache"]["hit_tokens"]);
    REQUIRE(j["stages"].size() == 2);
    CHECK(j["stages"][0]["requests"] == 40);
    CHECK(j["stages"][1]["requests"] == 80);
    CHECK(j["stages"][1]["rate"] == 8);
    CHECK(j["stages"][0]["ttft_ms"]["mean"].get<double>() > 0);
    // Off: no section, and every prompt token is computed, so TTFT is longer.
    const CommandResult off = run_llmsim({"run", "--workload", yaml, "--prefix-cache", "off", "--json"});
    const auto k = llmsim::Json::parse(off.out);
    CHECK_FALSE(k.contains("prefix_cache"));
    CHECK(k["ttft_ms"]["mean"].get<double>() > j["ttft_ms"]["mean"].get<double>());
}

TEST_CASE("run with KV tiers and swap preemption reports its transfers", "[cli][tiers]") {
    const CommandResult r = run_llmsim({"run", "--num-requests", "300", "--qps", "inf", "--prefix-cache", "on",
                                        "--kv-tiers", "dram=64GiB@32GB/s,ssd=1TB@5GB/s", "--preemption", "swap",
                                        "--gpu-memory-utilization", "0.3", "--json"});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    const auto j = llmsim::Json::parse(r.out);
    REQUIRE(j.contains("kv_transfer"));
    CHECK(j["kv_transfer"]["tiers"].size() == 2);
    CHECK(j["kv_transfer"]["tiers"][0]["name"] == "dram");
    CHECK(j["kv_transfer"]["tiers"][1]["bandwidth_gb_per_s"] == 5);
    CHECK(j["prefix_cache"]["per_tier"].contains("ssd"));
    CHECK(j["completed"].get<int64_t>() + j["rejected"].get<int64_t>() == 300);
}

TEST_CASE("bad KV-tier, prefix-cache and preemption settings are usage errors naming the flag", "[cli][errors]") {
    expect_exit2_writing_nothing({"run", "--prefix-cache", "yes"}, {"--prefix-cache", "'yes'", "on or off"});
    expect_exit2_writing_nothing({"run", "--prefix-cache", "on", "--kv-tiers", "dram=512GiB"},
                                 {"--kv-tiers", "dram=512GiB", "NAME=CAPACITY@BANDWIDTH"});
    expect_exit2_writing_nothing({"run", "--prefix-cache", "on", "--kv-tiers", "dram=lots@64GB/s"},
                                 {"--kv-tiers", "lots"});
    expect_exit2_writing_nothing({"run", "--prefix-cache", "on", "--kv-tiers", "dram=512GiB@64GB/s,dram=1TB@7GB/s"},
                                 {"--kv-tiers", "given twice"});
    expect_exit2_writing_nothing({"run", "--prefix-cache", "on", "--kv-tiers", "dram=1KiB@64GB/s"},
                                 {"--kv-tiers", "smaller than one KV block"});
    expect_exit2_writing_nothing({"run", "--prefix-cache", "off", "--kv-tiers", "dram=512GiB@64GB/s"},
                                 {"--kv-tiers", "--prefix-cache on"});
    expect_exit2_writing_nothing({"run", "--kv-tier-load", "layerwise"}, {"--kv-tier-load", "without --kv-tiers"});
    expect_exit2_writing_nothing({"run", "--kv-tier-load", "async"}, {"--kv-tier-load", "serial or layerwise"});
    expect_exit2_writing_nothing({"run", "--preemption", "swapp"}, {"--preemption", "did you mean 'swap'"});
    expect_exit2_writing_nothing({"run", "--preemption", "swap:victim=oldest"}, {"--preemption", "oldest", "newest"});
    expect_exit2_writing_nothing({"run", "--router", "prefix-aware:cache_threshold=1.5"},
                                 {"--router", "cache_threshold", "1.5"});
}

TEST_CASE("bad workload files name the file:line and key", "[cli][errors]") {
    TempDir dir;
    std::string unknown = kSharedPrefix;
    unknown.replace(unknown.find("num_groups"), 10, "num_grops");
    expect_exit2_writing_nothing({"run", "--workload", dir.write("u.yaml", unknown)}, {"u.yaml:", "num_grops"});
    std::string wrong = kSharedPrefix;
    wrong.replace(wrong.find("num_groups: 2"), 13, "num_groups: two");
    expect_exit2_writing_nothing({"run", "--workload", dir.write("t.yaml", wrong)}, {"t.yaml:", "num_groups", "two"});
    expect_exit2_writing_nothing({"run", "--workload", dir.write("ok.yaml", kSharedPrefix), "--qps", "3"}, {"--qps"});
    const auto mooncake = dir.write("m.jsonl",
                                    "{\"timestamp\": 0, \"input_length\": 1000, \"output_length\": 5, "
                                    "\"hash_ids\": [1, 2, 3]}\n");
    expect_exit2_writing_nothing({"run", "--trace", mooncake}, {"m.jsonl:1", "hash_ids"});
}
