// The real serving loop on a tiny workload: every request completes with its output tokens, lifecycle timestamps
// are ordered, `bench serve --json` prints run's summary keys (plus "real"), and bad usage exits 2.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <catch2/catch.hpp>
#include <set>

#include "common/json_io.hpp"
#include "sim/serving/cluster.hpp"
#include "tests/support/test_support.hpp"
#include "tools/bench/host_device.hpp"
#include "tools/bench/serve/real_serving.hpp"
#include "tools/run_config.hpp"
#include "tools/serving_setup.hpp"
#include "traces/workload_builder.hpp"

namespace {

using llmsim::test::run_llmsim;

const std::vector<std::string> kWorkload = {"--model",        "llama-tiny-15m",
                                            "--num-requests", "6",
                                            "--lengths",      "fixed:24:5",
                                            "--max-batch",    "3",
                                            "--qps",          "inf",
                                            "--seed",         "3"};

std::vector<std::string> with(std::vector<std::string> args, const std::vector<std::string>& more) {
    args.insert(args.end(), more.begin(), more.end());
    return args;
}

}  // namespace

TEST_CASE("calibration: The real loop completes every request with the simulator's lifecycle", "[calibration][bench]") {
    for (const char* scheduler : {"sarathi", "vllm"}) {
        CLI::App app;
        llmsim::tools::RunConfig cfg;
        cfg.add_flags(app);
        std::vector<std::string> args = with(kWorkload, {"--scheduler", scheduler, "--chunk-size", "32"});
        std::vector<const char*> argv = {"test"};
        for (const auto& a : args)
            argv.push_back(a.c_str());
        app.parse(static_cast<int>(argv.size()), argv.data());
        cfg.resolve();
        const auto host = llmsim::bench::host_device_spec();
        auto setup = llmsim::tools::make_serving_setup(cfg, &host);
        CHECK(cfg.text("dtype") == "fp32");            // CPU devices default to fp32
        CHECK(setup.cost->overhead().name == "none");  // and to no Python-engine overhead
        const auto workload = llmsim::traces::build_workload(setup.workload);
        llmsim::bench::RealServingOptions opt;
        opt.threads = 2;
        opt.predict_ops = true;
        const auto res = llmsim::bench::run_real_serving(setup, workload, opt);
        REQUIRE(res.run.requests.size() == 6);
        for (const auto& r : res.run.requests) {
            CHECK(r.phase() == llmsim::sim::RequestPhase::finished);
            CHECK(r.generated == 5);
            CHECK(r.first_scheduled_ns >= r.arrival_ns);
            CHECK(r.first_token_ns > r.first_scheduled_ns);
            CHECK(r.finish_ns > r.first_token_ns);
        }
        CHECK(res.iterations == res.run.replicas.front().iterations);
        CHECK(res.forward_ns > 0);
        CHECK(res.op_times.ns[static_cast<size_t>(llmsim::bench::RealOp::qkv_proj)] > 0);
        CHECK(res.predicted_op_ns.count("qkv_proj") == 1);
        // Requests are served in arrival order (FCFS schedulers).
        CHECK(res.run.requests[0].first_token_ns <= res.run.requests[5].first_token_ns);
    }
}

TEST_CASE("calibration: Under KV pressure the real loop preempts exactly as the simulator does",
          "[calibration][bench]") {
    CLI::App app;
    llmsim::tools::RunConfig cfg;
    cfg.add_flags(app);
    std::vector<std::string> args = {"--model",        "llama-tiny-15m",
                                     "--num-requests", "6",
                                     "--lengths",      "fixed:40:30",
                                     "--max-batch",    "4",
                                     "--qps",          "inf",
                                     "--scheduler",    "vllm"};
    std::vector<const char*> argv = {"test"};
    for (const auto& a : args)
        argv.push_back(a.c_str());
    app.parse(static_cast<int>(argv.size()), argv.data());
    cfg.resolve();
    const auto host = llmsim::bench::host_device_spec();
    auto setup = llmsim::tools::make_serving_setup(cfg, &host);
    setup.cluster.kv_blocks_per_replica = 12;  // 4 requests of 70 tokens need 20 blocks of 16: someone is preempted
    const auto workload = llmsim::traces::build_workload(setup.workload);
    llmsim::bench::RealServingOptions opt;
    opt.threads = 1;
    const auto real = llmsim::bench::run_real_serving(setup, workload, opt);
    const auto sim = llmsim::policies::simulate(setup.cluster, *setup.cost, workload);
    CHECK(real.run.replicas.front().preemptions > 0);
    CHECK(real.run.replicas.front().preemptions == sim.replicas.front().preemptions);
    CHECK(real.run.replicas.front().iterations == sim.replicas.front().iterations);
    CHECK(real.run.replicas.front().batched_tokens == sim.replicas.front().batched_tokens);
    for (size_t i = 0; i < real.run.requests.size(); ++i) {
        CHECK(real.run.requests[i].generated == 30);
        CHECK(real.run.requests[i].preemptions == sim.requests[i].preemptions);
    }
}

TEST_CASE("calibration: bench serve prints run's summary keys for the same flags", "[calibration][bench]") {
    const auto real = run_llmsim(with({"bench", "serve", "--json", "--threads", "2"}, kWorkload));
    REQUIRE(real.exit_code == 0);
    const auto sim = run_llmsim(
        with({"run", "--json", "--hardware", llmsim::test::source_path("hardware/base/host.json")}, kWorkload));
    REQUIRE(sim.exit_code == 0);
    const auto rj = llmsim::Json::parse(real.out);
    const auto sj = llmsim::Json::parse(sim.out);
    for (const auto& [key, value] : sj.items()) {
        INFO(key);
        CHECK(rj.contains(key));
    }
    CHECK(rj["completed"] == 6);
    CHECK(rj["ttft_ms"]["mean"].get<double>() > 0);
    CHECK(rj["real"]["iterations"].get<int>() > 0);
    CHECK(rj["deployment"]["dtype"] == "fp32");
    // Every request arrives at t=0, so batching does not depend on timing: the real loop and the simulator must
    // form exactly the same batches (same scheduler object, same lifecycle functions, same event order).
    CHECK(rj["batches"] == sj["batches"]);
    CHECK(rj["preemptions"] == sj["preemptions"]);
    CHECK(sj["deployment"]["dtype"] == "fp32");
}

TEST_CASE("calibration: bench usage errors exit 2 with one line", "[calibration][bench]") {
    auto r = run_llmsim(with({"bench", "serve", "--tp", "2"}, kWorkload));
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("--tp") != std::string::npos);
    r = run_llmsim(with({"bench", "serve", "--dtype", "fp16"}, kWorkload));
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("fp32") != std::string::npos);
    r = run_llmsim({"bench", "serve", "--model", "qwen1.5-1.8b", "--num-requests", "1"});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("Llama-style") != std::string::npos);
    r = run_llmsim({"bench", "kernels", "--backend", "tpu", "--out", "x.csv"});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("cpu or cuda") != std::string::npos);
    r = run_llmsim({"bench", "kernels", "--quick"});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("--out") != std::string::npos);
    r = run_llmsim({"bench", "kernels", "--model", "opt-13b", "--out", "x.csv"});
    CHECK(r.exit_code == 2);
}

TEST_CASE("calibration: bench serve --hardware cpu is the host profile under its deprecated name",
          "[calibration][bench]") {
    llmsim::test::TempDir tmp;
    const auto r = run_llmsim(
        with({"bench", "serve", "--json", "--threads", "2", "--hardware", "cpu", "--out", tmp.file("o")}, kWorkload));
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
    CHECK(r.err.find("--hardware cpu is a deprecated alias of --hardware host") != std::string::npos);
    CHECK(r.err.find("xeon-8480") != std::string::npos);
    CHECK(llmsim::Json::parse(r.out)["deployment"]["hardware"] == "host");
    // The written config names the profile so that `run` cannot read it as the Xeon preset.
    const auto cfg = llmsim::Json::parse(llmsim::test::read_text(tmp.file("o/config.resolved.json")));
    CHECK(cfg["hardware"] == "host");
}
