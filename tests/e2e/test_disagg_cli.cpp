// Prefill/decode disaggregation through the real binary: the sections it adds to run --json and requests.csv, a
// colocated run without them, and every bad-input path (exit 2, one line naming the flag and the value).
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/json_io.hpp"
#include "tests/support/cli_checks.hpp"
#include "tests/support/test_support.hpp"

using namespace llmsim::test;

namespace {

const std::vector<std::string> kBase = {"run",   "--model", "llama-2-7b", "--num-requests", "40",
                                        "--qps", "4",       "--lengths",  "fixed:512:32"};

std::vector<std::string> with(std::vector<std::string> args, const std::vector<std::string>& more) {
    args.insert(args.end(), more.begin(), more.end());
    return args;
}

}  // namespace

TEST_CASE("e2e: disaggregated run reports pools, kv_transfer_ms and the per-request transfer", "[e2e][disagg]") {
    TempDir dir;
    const CommandResult r = run_llmsim(with(
        kBase, {"--prefill-pool", "replicas=1,hardware=h100,tp=1", "--decode-pool", "replicas=2,hardware=a100,tp=1",
                "--kv-transfer-mode", "layerwise", "--json", "--out", dir.file("out")}));
    INFO("stderr: " << r.err);
    REQUIRE(r.exit_code == 0);
    const auto j = llmsim::Json::parse(r.out);
    CHECK(j["completed"] == 40);
    REQUIRE(j["pools"].size() == 2);
    CHECK(j["pools"][0]["role"] == "prefill");
    CHECK(j["pools"][0]["hardware"] == "h100-sxm");
    CHECK(j["pools"][1]["role"] == "decode");
    CHECK(j["pools"][1]["hardware"] == "a100-sxm-80gb");
    CHECK(j["pools"][1]["gpus"] == 2);
    CHECK(j["deployment"]["gpus"] == 3);
    CHECK(j["kv_transfer_ms"]["p50"].get<double>() > 0);
    CHECK(j["kv_link"]["mode"] == "layerwise");
    CHECK(j["kv_link"]["transfers"] == 40);
    std::ifstream csv(dir.file("out") + "/requests.csv");
    std::string header;
    std::getline(csv, header);
    CHECK(header.size() > 15);
    CHECK(header.substr(header.size() - 15) == ",kv_transfer_ms");
}

TEST_CASE("e2e: a colocated run has no disaggregation sections", "[e2e][disagg]") {
    const CommandResult r = run_llmsim(with(kBase, {"--json"}));
    REQUIRE(r.exit_code == 0);
    const auto j = llmsim::Json::parse(r.out);
    CHECK_FALSE(j.contains("pools"));
    CHECK_FALSE(j.contains("kv_transfer_ms"));
}

TEST_CASE("e2e: disaggregation bad input exits 2 naming the flag and value", "[e2e][disagg]") {
    const std::vector<std::string> pools = {"--prefill-pool", "replicas=1,hardware=h100", "--decode-pool",
                                            "replicas=1,hardware=a100"};
    expect_quiet_exit2(with(kBase, {"--prefill-pool", "replicas=1,gpus=2", "--decode-pool", "replicas=1"}),
                       {"--prefill-pool", "gpus", "replicas=1,gpus=2"});
    expect_quiet_exit2({"run", "--model", "llama-2-70b", "--prefill-pool", "replicas=1,hardware=h100,tp=4",
                        "--decode-pool", "replicas=1,hardware=a100-sxm-40gb"},
                       {"--decode-pool", "a100-sxm-40gb", "does not fit"});
    expect_quiet_exit2(with(kBase, with(pools, {"--kv-transfer", "0GB/s"})), {"--kv-transfer", "0GB/s"});
    expect_quiet_exit2(with(kBase, with(pools, {"--kv-transfer-mode", "sometimes"})),
                       {"--kv-transfer-mode", "sometimes"});
    expect_quiet_exit2(with(kBase, {"--prefill-pool", "replicas=1"}), {"--prefill-pool", "--decode-pool"});
    expect_quiet_exit2(with(kBase, {"--kv-transfer", "10GB/s"}), {"--kv-transfer", "--prefill-pool"});
}

TEST_CASE("e2e: disagg-search picks the split with the most goodput per GPU within the budget", "[e2e][disagg]") {
    const CommandResult r = run_llmsim({"disagg-search", "--model", "llama-2-7b", "--hardware", "h100", "--gpu-budget",
                                        "4", "--tp", "1,2", "--num-requests", "100", "--lengths", "fixed:512:64",
                                        "--slo-ttft-ms", "200", "--slo-tpot-ms", "30", "--json"});
    INFO("stderr: " << r.err);
    REQUIRE(r.exit_code == 0);
    const auto j = llmsim::Json::parse(r.out);
    const auto& best = j["best"];
    CHECK(best["gpus"].get<int64_t>() <= 4);
    CHECK(best["goodput_rps"].get<double>() > 0);
    for (const auto& p : j["placements"]) {
        CHECK(p["gpus"].get<int64_t>() <= 4);
        if (p["status"] == "ok") CHECK(p["goodput_per_gpu"].get<double>() <= best["goodput_per_gpu"].get<double>());
    }
    CHECK(best["config"]["prefill-pool"].get<std::string>().find("hardware=h100") != std::string::npos);
    expect_quiet_exit2({"disagg-search", "--model", "llama-2-7b", "--gpu-budget", "4"}, {"--slo-ttft-ms"});
    expect_quiet_exit2({"disagg-search", "--model", "llama-2-7b", "--gpu-budget", "1", "--slo-ttft-ms", "100"},
                       {"--gpu-budget", "1"});
}
