// --kv-policy shadowkv through the real binary: listed, the host-link figures of run --json, the kv_rebuild op of
// cost --json, and exit 2 naming the flag and value for bad input and unsupported combinations.
#include <catch2/catch.hpp>

#include "common/json_io.hpp"
#include "tests/support/test_support.hpp"

using namespace llmsim::test;

namespace {

llmsim::Json json_of(const std::vector<std::string>& args) {
    const CommandResult r = run_llmsim(args);
    INFO("stderr: " << r.err);
    REQUIRE(r.exit_code == 0);
    return llmsim::Json::parse(r.out);
}

void expect_usage_error(const std::vector<std::string>& args, const std::string& fragment) {
    const CommandResult r = run_llmsim(args);
    INFO("stderr: " << r.err);
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("--kv-policy") != std::string::npos);
    CHECK(r.err.find(fragment) != std::string::npos);
}

}  // namespace

TEST_CASE("shadowkv: listed, run --json gives the per-step host fetch, cost shows kv_rebuild", "[cli][kv_policy]") {
    CHECK(run_llmsim({"list", "kv-policies"}).out.find("shadowkv") != std::string::npos);
    const auto run =
        json_of({"run", "--model", "llama-3.1-8b", "--hardware", "a100", "--num-requests", "2", "--qps", "inf",
                 "--lengths", "fixed:122880:16", "--max-model-len", "122896", "--kv-policy", "shadowkv", "--json"});
    const auto& kv = run.at("kv_policy");
    // 1.56% of 122,896 tokens is 1,918 selected; 40% of them (60% reused) is 768 fetched, 64 KiB of values each.
    CHECK(kv.at("host_fetch_tokens_per_step").get<int64_t>() == 768);
    CHECK(kv.at("host_fetch_bytes_per_step").get<double>() == Approx(768.0 * 65536));
    CHECK(kv.at("host_fetch_ms_per_step").get<double>() == Approx(768.0 * 65536 / 32e9 * 1e3));
    CHECK(kv.at("compression_ratio").get<double>() > 6);
    const auto cost = json_of({"cost", "--model", "llama-3.1-8b", "--hardware", "a100", "--kv-policy", "shadowkv",
                               "--decode-batch", "4", "--context-tokens", "65536", "--json"});
    bool rebuild = false;
    for (const auto& op : cost.at("ops")) {
        if (op.at("name") != "kv_rebuild") continue;
        rebuild = true;
        CHECK(op.at("host_bytes").get<double>() > 0);
        CHECK(op.at("comm_ms").get<double>() > 0);
    }
    CHECK(rebuild);
}

TEST_CASE("shadowkv: bad input and unsupported combinations exit 2 naming the flag", "[cli][kv_policy]") {
    const std::vector<std::string> base = {"run",   "--model", "llama-3.1-8b", "--num-requests", "2",
                                           "--qps", "inf",     "--lengths",    "fixed:1000:10"};
    auto with = [&](std::vector<std::string> extra) {
        auto a = base;
        a.insert(a.end(), extra.begin(), extra.end());
        return a;
    };
    expect_usage_error(with({"--kv-policy", "shadowkv:rank=0"}), "'0'");
    expect_usage_error(with({"--kv-policy", "shadowkv:budget=1.5"}), "'1.5'");
    expect_usage_error(with({"--kv-policy", "shadowkv", "--kv-dtype", "int4:group=32"}), "16 bits");
    expect_usage_error(with({"--kv-policy", "shadowkv", "--prefill-pool", "replicas=1", "--decode-pool", "replicas=1"}),
                       "host memory");
}
