// --weights-tier through the binary: run and cost show the per-token flash bytes, the flash time and the resident
// fraction (flag or config key alike); bad specs exit 2 with one line naming the flag or file:key, the value and what
// was expected.
#include <algorithm>
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "common/json_io.hpp"
#include "tests/support/cli_checks.hpp"
#include "tests/support/test_support.hpp"

using namespace llmsim;
using namespace llmsim::test;

namespace {

const std::vector<std::string> kRun = {"run",         "--model",   "opt-6.7b",       "--hardware", "laptop-ddr5",
                                       "--max-batch", "1",         "--num-requests", "2",          "--qps",
                                       "inf",         "--lengths", "fixed:16:16",    "--json"};

std::vector<std::string> with(std::vector<std::string> a, const std::vector<std::string>& extra) {
    a.insert(a.end(), extra.begin(), extra.end());
    return a;
}

}  // namespace

TEST_CASE("run --weights-tier: per-token flash bytes and time, resident fraction; sparse beats naive", "[cli][flash]") {
    const CommandResult plain = run_llmsim(kRun);
    REQUIRE(plain.exit_code == 0);
    CHECK(Json::parse(plain.out).count("weights_tier") == 0);  // off: no tier, no key
    const CommandResult sparse = run_llmsim(with(kRun, {"--weights-tier", "flash:dram=15GB"}));
    INFO(sparse.err);
    REQUIRE(sparse.exit_code == 0);
    const Json s = Json::parse(sparse.out);
    const Json& t = s.at("weights_tier");
    CHECK(t.at("load") == "sparse");
    CHECK(t.at("flash_bytes_per_token").get<double>() > 0);
    CHECK(t.at("flash_ms_per_token").get<double>() > 0);
    CHECK(t.at("resident_fraction").get<double>() > 0.5);
    CHECK(t.at("resident_fraction").get<double>() < 0.6);
    CHECK(t.at("chunk_bytes").get<double>() == 2 * 4096 * 4);  // fp32 up column + down row
    CHECK(s.at("memory_gib_per_gpu").at("weights").get<double>() < 15e9 / (1 << 30) + 1e-6);
    const CommandResult naive = run_llmsim(with(kRun, {"--weights-tier", "flash:dram=15GB,load=naive"}));
    REQUIRE(naive.exit_code == 0);
    const Json n = Json::parse(naive.out);
    CHECK(n.at("weights_tier").at("flash_bytes_per_token").get<double>() >
          10 * t.at("flash_bytes_per_token").get<double>());
    CHECK(n.at("tpot_ms").at("mean").get<double>() > s.at("tpot_ms").at("mean").get<double>());
    CHECK(s.at("tpot_ms").at("mean").get<double>() > Json::parse(plain.out).at("tpot_ms").at("mean").get<double>());

    // The same key in a config file gives the same run.
    TempDir dir;
    const std::string cfg = dir.write("cfg.json", R"({"weights-tier": "flash:dram=15GB"})");
    const CommandResult from_file = run_llmsim(with(kRun, {"--config", cfg}));
    REQUIRE(from_file.exit_code == 0);
    CHECK(Json::parse(from_file.out).at("weights_tier") == t);
}

TEST_CASE("cost --weights-tier: the pass's load time, and a GPU host adds the host link", "[cli][flash]") {
    const std::vector<std::string> base = {"cost", "--model",          "opt-6.7b", "--decode-batch",
                                           "1",    "--context-tokens", "128",      "--json"};
    const CommandResult cpu =
        run_llmsim(with(base, {"--hardware", "laptop-ddr5", "--weights-tier", "flash:dram=15GB"}));
    INFO(cpu.err);
    REQUIRE(cpu.exit_code == 0);
    const Json c = Json::parse(cpu.out);
    CHECK(c.at("weight_load_ms").get<double>() == Approx(c.at("weights_tier").at("flash_ms_per_token").get<double>()));
    CHECK(c.at("weights_tier").at("host_link_gb_per_s").is_null());
    const CommandResult gpu = run_llmsim(with(base, {"--hardware", "rtx-4090", "--weights-tier", "flash:dram=8GB"}));
    REQUIRE(gpu.exit_code == 0);
    const Json g = Json::parse(gpu.out);
    const Json& t = g.at("weights_tier");
    const double bytes = t.at("flash_bytes_per_token").get<double>();
    // flash read then host link, serial, plus the predictor reading its weights from GPU memory.
    CHECK(t.at("flash_ms_per_token").get<double>() >
          bytes / (t.at("read_gb_per_s").get<double>() * 1e9) * 1e3 +
              bytes / (t.at("host_link_gb_per_s").get<double>() * 1e9) * 1e3 - 1e-9);
    const CommandResult text = run_llmsim({"cost", "--model", "opt-6.7b", "--hardware", "laptop-ddr5", "--decode-batch",
                                           "1", "--context-tokens", "128", "--weights-tier", "flash:dram=15GB"});
    REQUIRE(text.exit_code == 0);
    CHECK(text.out.find("flash weights") != std::string::npos);
}

TEST_CASE("weights tier: bad specs exit 2 naming the flag or file:key, the value and the expectation", "[cli][flash]") {
    expect_quiet_exit2(with(kRun, {"--weights-tier", "flash:dram=64GiB"}),
                       {"--weights-tier dram", "64 GiB", "larger than laptop-ddr5's memory"});
    expect_quiet_exit2(with(kRun, {"--weights-tier", "flash:dram=15GB,sparsity=0"}),
                       {"--weights-tier sparsity", "(0, 1]", "0"});
    expect_quiet_exit2(with(kRun, {"--weights-tier", "flash:dram=15GB,sparsity=1.5"}),
                       {"--weights-tier sparsity", "1.5"});
    expect_quiet_exit2(with(kRun, {"--weights-tier", "flash:dram=15GB,window=-1"}), {"--weights-tier window", "-1"});
    expect_quiet_exit2(with(kRun, {"--weights-tier", "flash:dram=15GB,read=m2-ultra"}),
                       {"--weights-tier read", "m2-ultra", "m1-max"});
    expect_quiet_exit2(with(kRun, {"--weights-tier", "flash:dram=15GB,load=naive,window=5"}),
                       {"--weights-tier window", "load=naive"});
    expect_quiet_exit2(with(kRun, {"--weights-tier", "flash:read=m1-max"}),
                       {"--weights-tier", "dram=SIZE is required"});
    expect_quiet_exit2(with(kRun, {"--weights-tier", "ssd:dram=15GB"}), {"--weights-tier", "expected flash:dram=SIZE"});
    expect_quiet_exit2(with(kRun, {"--weights-tier", "flash:dram=8GB"}), {"--weights-tier", "window of 5 tokens"});
    expect_quiet_exit2({"cost", "--model", "opt-6.7b", "--hardware", "laptop-ddr5", "--decode-batch", "1",
                        "--context-tokens", "1", "--weights-tier", "flash:dram=15GB,bundle=yes"},
                       {"--weights-tier bundle", "'yes'", "on or off"});
    TempDir dir;
    // A curve whose throughput falls as chunks grow is no flash device.
    const std::string curve =
        dir.write("curve.json", R"({"name": "bad", "points": [["4KiB", "2GB/s"], ["32KiB", "1GB/s"]]})");
    expect_quiet_exit2(with(kRun, {"--weights-tier", "flash:dram=15GB,read=" + curve}),
                       {"curve.json#/points/1", "must not fall"});
    // In a config file the message names the file and key.
    const std::string cfg = dir.write("cfg.json", R"({"weights-tier": "flash:dram=15GB,sparsity=2"})");
    expect_quiet_exit2(with(kRun, {"--config", cfg}), {"cfg.json#/weights-tier sparsity", "2"});
}
