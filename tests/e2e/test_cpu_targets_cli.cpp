// CPU targets through the CLI: `--hardware cpu` (the Xeon preset), the laptop preset, and memory-bound decode.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "common/json_io.hpp"
#include "tests/support/test_support.hpp"

using namespace llmsim;
using namespace llmsim::test;

TEST_CASE("cost: batch-1 decode on a CPU is bound by reading the weights from DRAM", "[cli][cpu][analytic]") {
    // Llama-2-7B has 6.74e9 parameters. fp32 on the laptop (83.2 GB/s): 26.96 GB per token -> 324 ms at peak;
    // bf16 on the Xeon (307.2 GB/s): 13.48 GB -> 43.9 ms. The calibrated roofline can only be slower than the
    // bandwidth floor, and with default memory efficiencies (at most 0.85 of peak) it stays within 1.5x of it.
    struct Case {
        const char* hardware;
        const char* dtype;
        double floor_ms;
    };
    for (const Case& c : {Case{"laptop", "fp32", 6.74e9 * 4 / 83.2e9 * 1e3}, Case{"cpu", "bf16", 6.74e9 * 2 / 307.2e9 * 1e3}}) {
        INFO(c.hardware);
        const CommandResult r = run_llmsim({"cost", "--model", "llama-2-7b", "--hardware", c.hardware, "--dtype",
                                            c.dtype, "--decode-batch", "1", "--context-tokens", "128", "--json"});
        INFO(r.err);
        REQUIRE(r.exit_code == 0);
        const double ms = Json::parse(r.out)["total_time_ms"].get<double>();
        std::printf("%s %s decode: %.1f ms, bandwidth floor %.1f ms (x%.2f)\n", c.hardware, c.dtype, ms, c.floor_ms,
                    ms / c.floor_ms);
        CHECK(ms >= c.floor_ms);
        CHECK(ms <= 1.5 * c.floor_ms);
    }
}

TEST_CASE("run and cost accept --hardware cpu; the default dtype on a CPU is fp32", "[cli][cpu]") {
    const CommandResult run = run_llmsim({"run", "--model", "llama-2-7b", "--hardware", "cpu", "--num-requests", "4",
                                          "--qps", "inf", "--lengths", "fixed:64:8", "--json"});
    INFO(run.err);
    REQUIRE(run.exit_code == 0);
    const Json j = Json::parse(run.out);
    CHECK(j["deployment"]["hardware"] == "xeon-8480");
    CHECK(j["deployment"]["dtype"] == "fp32");
    CHECK(j["deployment"]["provenance"] == "default");
    CHECK(run.err.find("has no calibration") != std::string::npos);
    const CommandResult cost =
        run_llmsim({"cost", "--model", "llama-2-7b", "--hardware", "laptop", "--prefill-tokens", "64", "--json"});
    REQUIRE(cost.exit_code == 0);
    CHECK(Json::parse(cost.out)["dtype"] == "fp32");
}
