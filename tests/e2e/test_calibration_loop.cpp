// The whole calibration loop on this machine: bench kernels --quick, calibrate from those kernels only, run the real
// serving loop (bench serve) and the simulator (run --hardware) on the same small workload, and compare TTFT mean,
// TPOT mean and output tokens/s. Tolerance 25% (shared CI machines are noisy; scripts/bench-calibration.sh measures
// the tight figure on a larger workload). Each attempt takes the real loop's median of three runs, and up to three
// retries of the whole measurement absorb bursts of load from other jobs: on a shared 2-core VM the real loop's own
// TPOT varies by 20-30% (at times 2x) from one run to the next, for the old and the new serving core alike.
#include <fmt/format.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <iostream>

#include "common/json_io.hpp"
#include "tests/support/cli_checks.hpp"
#include "tests/support/test_support.hpp"

namespace {

using llmsim::test::run_llmsim;
using llmsim::test::run_ok_json;

struct Errors {
    double ttft = 0, tpot = 0, throughput = 0;
    [[nodiscard]] double worst() const { return std::max({ttft, tpot, throughput}); }
};

Errors one_attempt(const llmsim::test::TempDir& tmp, int attempt) {
    const std::string csv = tmp.file(fmt::format("kernels{}.csv", attempt));
    const std::string profile = tmp.file(fmt::format("host{}.json", attempt));
    auto k = run_llmsim({"bench", "kernels", "--quick", "--threads", "1", "--model", "llama-tiny-15m", "--no-square",
                         "--dtypes", "fp32", "--quiet", "--out", csv});
    INFO(k.err);
    REQUIRE(k.exit_code == 0);
    auto c = run_llmsim({"calibrate", "--measurements", csv, "--base", "host", "--out", profile, "--quiet"});
    INFO(c.err);
    REQUIRE(c.exit_code == 0);
    const std::vector<std::string> workload = {"--model",        "llama-tiny-15m",
                                               "--num-requests", "16",
                                               "--lengths",      "fixed:64:16",
                                               "--max-batch",    "4",
                                               "--qps",          "inf",
                                               "--seed",         "1",
                                               "--json"};
    std::vector<std::string> serve = {"bench", "serve", "--threads", "1"};
    serve.insert(serve.end(), workload.begin(), workload.end());
    std::vector<std::string> run = {"run", "--hardware", profile};
    run.insert(run.end(), workload.begin(), workload.end());
    // The real loop's median of three runs by throughput (as scripts/bench-calibration.sh takes): one run is often
    // caught by a slow phase of the VM.
    std::vector<llmsim::Json> reals;
    for (int i = 0; i < 3; ++i) reals.push_back(run_ok_json(serve));
    std::sort(reals.begin(), reals.end(), [](const llmsim::Json& a, const llmsim::Json& b) {
        return a["output_tokens_per_s"].get<double>() < b["output_tokens_per_s"].get<double>();
    });
    const llmsim::Json real = reals[1];
    const auto sim = run_ok_json(run);
    auto err = [](double p, double m) { return llmsim::test::rel_error(p, m); };
    Errors e;
    e.ttft = err(sim["ttft_ms"]["mean"], real["ttft_ms"]["mean"]);
    e.tpot = err(sim["tpot_ms"]["mean"], real["tpot_ms"]["mean"]);
    e.throughput = err(sim["output_tokens_per_s"], real["output_tokens_per_s"]);
    std::cout << fmt::format(
        "attempt {}: real TTFT {:.1f} ms, TPOT {:.2f} ms, {:.1f} tok/s | predicted {:.1f} ms, {:.2f} ms, {:.1f} tok/s "
        "| "
        "errors {:.1f}% {:.1f}% {:.1f}%\n",
        attempt, real["ttft_ms"]["mean"].get<double>(), real["tpot_ms"]["mean"].get<double>(),
        real["output_tokens_per_s"].get<double>(), sim["ttft_ms"]["mean"].get<double>(),
        sim["tpot_ms"]["mean"].get<double>(), sim["output_tokens_per_s"].get<double>(), e.ttft * 100, e.tpot * 100,
        e.throughput * 100);
    return e;
}

}  // namespace

TEST_CASE("calibration: Calibrated from kernels only the simulator predicts the real serving loop within 25%",
          "[serial][e2e][calibration][slow]") {
    if (!llmsim::test::timing_is_meaningful) {
        llmsim::test::skip("sanitizer build: its timed real loop says nothing about an optimised build's");
        return;
    }
    llmsim::test::TempDir tmp;
    Errors best = one_attempt(tmp, 1);
    for (int attempt = 2; attempt <= 4 && best.worst() > 0.25; ++attempt) {
        const Errors again = one_attempt(tmp, attempt);
        if (again.worst() < best.worst()) best = again;
    }
    CHECK(best.ttft <= 0.25);
    CHECK(best.tpot <= 0.25);
    CHECK(best.throughput <= 0.25);
}
