#include "tools/bench/serve/serve_command.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <iostream>
#include <optional>
#include <thread>

#include "common/atomic_file.hpp"
#include "common/error.hpp"
#include "tools/bench/host_device.hpp"
#include "tools/bench/serve/real_serving.hpp"
#include "tools/bench/transformer/tiny_llama.hpp"
#include "tools/progress_bar.hpp"
#include "tools/report/serving_report.hpp"
#include "tools/serving_setup.hpp"
#include "traces/workload_builder.hpp"

namespace llmsim::bench {
namespace {

double round3(double v) {
    return std::round(v * 1e3) / 1e3;
}

double physical_memory_bytes() {
    const long pages = sysconf(_SC_PHYS_PAGES);
    const long page = sysconf(_SC_PAGE_SIZE);
    return pages > 0 && page > 0 ? static_cast<double>(pages) * static_cast<double>(page) : 0.0;
}

void check_runnable(tools::RunConfig& cfg, const tools::ServingSetup& setup) {
    const auto& d = setup.cost->deployment();
    if (d.parallel.tp != 1) throw UsageError(cfg.where("tp"), "bench serve runs one CPU device (tp 1)");
    if (d.parallel.pp != 1) throw UsageError(cfg.where("pp"), "bench serve runs one CPU device (pp 1)");
    if (d.parallel.ep != 1) throw UsageError(cfg.where("ep"), "bench serve runs one CPU device (ep 1)");
    if (setup.cluster.replicas != 1) throw UsageError(cfg.where("replicas"), "bench serve runs one replica");
    if (d.precision.weights != DType::fp32 || d.precision.compute != DType::fp32 ||
        d.precision.kv_cache != DType::fp32) {
        throw UsageError(cfg.where("dtype"), "bench serve runs fp32 weights, math and KV cache (use --dtype fp32)");
    }
    if (cfg.flag("chrome-trace")) throw UsageError("--chrome-trace", "not available for bench serve");
    TinyLlama::check_supported(d.model, cfg.where("model"));
    const double need = TinyLlama::weight_bytes(d.model);
    const double have = physical_memory_bytes();
    if (have > 0 && need > 0.6 * have) {
        throw UsageError(cfg.where("model"), fmt::format("{} needs {:.1f} GB of fp32 weights; this host has {:.1f} GB",
                                                         d.model.id, need / 1e9, have / 1e9));
    }
}

OrderedJson real_block(const RealServingResult& r, int32_t threads) {
    OrderedJson j;
    j["backend"] = "cpu";
    j["threads"] = threads;
    j["setup_s"] = round3(r.setup_s);
    j["iterations"] = r.iterations;
    j["forward_ms"] = round3(r.forward_ns * 1e-6);
    j["sampling_ms"] = round3(r.sampling_ns * 1e-6);
    j["host_ms"] = round3(r.host_ns * 1e-6);
    j["idle_ms"] = round3(r.idle_ns * 1e-6);
    // Host work per iteration outside the op model (scheduling, batch building, sampling), as run's flag value.
    j["host_overhead_us"] = {{"per_iteration", round3(r.host_fixed_ns * 1e-3)},
                             {"per_seq", round3(r.host_per_seq_ns * 1e-3)}};
    j["framework_overhead_flag"] = fmt::format("{:.1f}:{:.2f}", r.host_fixed_ns * 1e-3, r.host_per_seq_ns * 1e-3);
    OrderedJson ops;
    for (size_t i = 0; i < kRealOpCount; ++i) {
        ops[std::string(real_op_name(static_cast<RealOp>(i)))] = round3(r.op_times.ns[i] * 1e-6);
    }
    j["op_ms"] = ops;
    if (!r.predicted_op_ns.empty()) {
        // The profile given with --hardware, pricing the batches that actually ran.
        OrderedJson pred;
        for (const auto& [name, ns] : r.predicted_op_ns)
            pred[name] = round3(ns * 1e-6);
        j["predicted_op_ms"] = pred;
        j["predicted_forward_ms"] = round3(r.predicted_forward_ns * 1e-6);
    }
    return j;
}

std::string real_table(const RealServingResult& r, int32_t threads) {
    const double total = r.forward_ns + r.sampling_ns + r.host_ns;
    std::string out = fmt::format(
        "\n  real loop       {} iterations on {} threads: kernels {:.1f} ms, sampling {:.1f} ms, "
        "host {:.1f} ms ({:.2f}% outside kernels), idle {:.1f} ms\n",
        r.iterations, threads, r.forward_ns * 1e-6, r.sampling_ns * 1e-6, r.host_ns * 1e-6,
        total > 0 ? 100.0 * (r.sampling_ns + r.host_ns) / total : 0.0, r.idle_ns * 1e-6);
    out += "  kernel ms      ";
    for (size_t i = 0; i < kRealOpCount; ++i) {
        if (r.op_times.ns[i] <= 0) continue;
        out += fmt::format(" {} {:.1f}", real_op_name(static_cast<RealOp>(i)), r.op_times.ns[i] * 1e-6);
    }
    return out + "\n";
}

}  // namespace

void run_serve_command(ServeArgs& a) {
    tools::RunConfig& cfg = a.cfg;
    cfg.resolve();
    const int32_t hw = static_cast<int32_t>(std::max(1u, std::thread::hardware_concurrency()));
    if (a.threads < 0 || a.threads > 4096) throw UsageError("--threads", "expected 1..4096 (0: all hardware threads)");
    const int32_t threads = a.threads > 0 ? a.threads : hw;
    // The built-in host profile unless --hardware names another (e.g. the calibrated host.json; only its memory
    // capacity matters here: it sizes the KV pool exactly as `run` does).
    const bool builtin = !cfg.user_set("hardware") || names_host_device(cfg.text("hardware"), "--hardware");
    const hardware::DeviceSpec host = host_device_spec();
    if (builtin) cfg.set_default("hardware", kHostDeviceId);
    tools::ServingSetup setup = tools::make_serving_setup(cfg, builtin ? &host : nullptr);
    check_runnable(cfg, setup);
    const bool json = cfg.flag("json");
    const auto out_dir = cfg.opt_text("out");
    if (out_dir) check_output_directory(*out_dir, cfg.where("out"));

    const traces::Workload workload = traces::build_workload(setup.workload);
    for (const auto& note : workload.notes)
        std::cerr << "llmsim: warning: " << note << "\n";

    RealServingOptions opt;
    opt.threads = threads;
    opt.weight_seed = static_cast<uint64_t>(cfg.integer("seed"));
    opt.predict_ops = !builtin;
    std::optional<tools::ProgressBar> bar;
    std::optional<tools::RequestProgress> progress;
    if (tools::ProgressBar::wanted(a.quiet)) {
        bar.emplace("llmsim bench serve: serving", static_cast<int64_t>(workload.requests.size()), "requests");
        opt.progress = &progress.emplace(*bar);
    }
    const auto t0 = std::chrono::steady_clock::now();
    const RealServingResult result = run_real_serving(setup, workload, opt);
    if (bar) bar->finish();
    tools::ServingReport report;
    report.summary = sim::summarize(result.run.requests, setup.slo);
    report.summary.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    report.setup = &setup;
    report.run = &result.run;
    report.workload_source = workload.source;

    OrderedJson summary = tools::serving_summary_json(report);
    summary["deployment"]["framework_overhead"] = "measured (real host loop)";
    summary["real"] = real_block(result, threads);
    if (out_dir) {
        // The host profile under its one name: a config saying "cpu" would mean the xeon-8480 preset to `run`.
        OrderedJson resolved = cfg.resolved_json();
        if (builtin) resolved["hardware"] = kHostDeviceId;
        // One set, as `llmsim run --out` writes it (common/atomic_file.hpp).
        write_directory_atomic(*out_dir,
                               {{"config.resolved.json", resolved.dump(2) + "\n"},
                                {"requests.csv", sim::requests_csv(result.run.requests)},
                                {"summary.json", summary.dump(2) + "\n"}},
                               {"config.resolved.json", "requests.csv", "summary.json"}, cfg.where("out"));
    }
    if (json) {
        std::cout << summary.dump() << "\n";
        return;
    }
    std::string table = tools::serving_summary_table(report);
    const std::string prefix = "llmsim run:";
    if (table.rfind(prefix, 0) == 0) table.replace(0, prefix.size(), "llmsim bench serve (real CPU execution):");
    if (const auto at = table.find("  simulated "); at != std::string::npos) table.replace(at, 12, "  served    ");
    std::cout << table << real_table(result, threads);
    if (out_dir) std::cout << "\nwrote " << *out_dir << "/{summary.json,requests.csv,config.resolved.json}\n";
}

}  // namespace llmsim::bench
