// --kv-policy and --kv-dtype through the real binary: the kv_policy section of run --json and cost --json, and
// exit 2 naming the flag and value for bad input.
#include <catch2/catch.hpp>

#include "common/json_io.hpp"
#include "tests/support/cli_checks.hpp"
#include "tests/support/test_support.hpp"

using namespace llmsim::test;

namespace {

llmsim::Json run_json(std::vector<std::string> extra) {
    std::vector<std::string> args = {"run",   "--model", "llama-2-7b", "--num-requests", "60",
                                     "--qps", "inf",     "--lengths",  "fixed:1500:500", "--json"};
    args.insert(args.end(), extra.begin(), extra.end());
    const CommandResult r = run_llmsim(args);
    INFO("stderr: " << r.err);
    REQUIRE(r.exit_code == 0);
    return llmsim::Json::parse(r.out);
}

}  // namespace

TEST_CASE("run --json reports the KV policy, its compression and the capacity it buys", "[cli][kv_policy]") {
    const auto off = run_json({});
    CHECK_FALSE(off.contains("kv_policy"));
    const auto q = run_json({"--kv-dtype", "int2:group=32"});
    REQUIRE(q.contains("kv_policy"));
    CHECK(q["kv_policy"]["quality"] == "not modelled");
    CHECK(q["kv_policy"]["compression_ratio"].get<double>() == Approx(16.0 / 3));
    CHECK(q["kv_cache"]["tokens_per_replica"].get<int64_t>() >
          5 * off["kv_cache"]["tokens_per_replica"].get<int64_t>());
    const auto s = run_json({"--kv-policy", "streaming:sink=4,window=1020", "--kv-dtype", "int2:group=32"});
    CHECK(s["kv_policy"]["name"] == "streaming:sink=4,window=1020 + int2:group=32,outliers=0,residual=0");
    CHECK(s["kv_policy"]["compression_ratio"].get<double>() == Approx(4 * 16.0 / 3));
    CHECK(s["preemptions"].get<int64_t>() <= off["preemptions"].get<int64_t>());
}

TEST_CASE("cost --kv-policy shows attention bytes under the policy", "[cli][kv_policy]") {
    auto attn_bytes = [](const std::vector<std::string>& extra) {
        std::vector<std::string> args = {"cost", "--model",          "llama-2-7b", "--decode-batch",
                                         "8",    "--context-tokens", "30000",      "--json"};
        args.insert(args.end(), extra.begin(), extra.end());
        const CommandResult r = run_llmsim(args);
        REQUIRE(r.exit_code == 0);
        const auto j = llmsim::Json::parse(r.out);
        for (const auto& op : j["ops"])
            if (op["name"] == "attn_decode") return op["bytes"].get<double>();
        FAIL("no attn_decode op");
        return 0.0;
    };
    const double full = attn_bytes({});
    const double stream = attn_bytes({"--kv-policy", "streaming:sink=4,window=1020"});
    CHECK(stream < full / 20);
}

TEST_CASE("bad KV policy input exits 2 naming the flag and value", "[cli][kv_policy][errors]") {
    expect_exit2({"run", "--kv-policy", "streaming:window=0"}, {"--kv-policy", "window", "'0'"});
    expect_exit2({"run", "--kv-policy", "h2o:budget=1.5"}, {"--kv-policy", "'1.5'"});
    expect_exit2({"run", "--kv-policy", "h2o:budget=9000"}, {"--kv-policy", "'9000'", "4096"});
    expect_exit2({"run", "--kv-policy", "h2o:budget=0"}, {"--kv-policy", "'0'"});
    expect_exit2({"run", "--kv-dtype", "int2:group=96"}, {"--kv-dtype", "'96'", "head_dim 128"});
    expect_exit2({"run", "--kv-policy", "snap"}, {"--kv-policy", "'snap'"});
    expect_exit2({"run", "--kv-policy", "h2o", "--prefix-cache", "on"}, {"--kv-policy", "--prefix-cache on"});
    expect_exit2({"cost", "--decode-batch", "1", "--context-tokens", "10", "--kv-dtype", "int3"},
                 {"--kv-dtype", "'int3'"});
}
