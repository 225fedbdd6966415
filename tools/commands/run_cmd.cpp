// llmsim run: simulate serving a workload on a cluster and report latency and throughput.
#include <CLI/CLI.hpp>
#include <chrono>
#include <iostream>
#include <memory>

#include "common/atomic_file.hpp"
#include "common/error.hpp"
#include "policies/cluster_spec.hpp"
#include "tools/commands/commands.hpp"
#include "tools/report/chrome_trace.hpp"
#include "tools/report/serving_report.hpp"
#include "tools/run_config.hpp"
#include "tools/serving_setup.hpp"
#include "traces/workload_builder.hpp"

namespace llmsim::tools {
namespace {

void run_command(RunConfig& cfg) {
    cfg.resolve();
    ServingSetup setup = make_serving_setup(cfg);
    const bool json = cfg.flag("json");
    const auto out_dir = cfg.opt_text("out");
    const bool chrome = cfg.flag("chrome-trace");
    if (chrome && !out_dir) throw UsageError("--chrome-trace", "needs --out DIR to write trace.json into");
    if (out_dir) ensure_directory(*out_dir);

    const traces::Workload workload = traces::build_workload(setup.workload);
    for (const auto& note : workload.notes)
        std::cerr << "llmsim: warning: " << note << "\n";
    if (!workload.segments.empty() && !setup.cluster.prefix_caching) {
        std::cerr << "llmsim: note: the workload describes shared prompt content (prefix reuse); --prefix-cache on "
                     "simulates reusing it\n";
    }

    std::unique_ptr<ChromeTraceWriter> trace;
    if (chrome) trace = std::make_unique<ChromeTraceWriter>();
    const auto t0 = std::chrono::steady_clock::now();
    const sim::ServingRun run = policies::simulate(setup.cluster, *setup.cost, workload, trace.get());
    ServingReport report;
    report.summary = sim::summarize(run.requests, setup.slo);
    report.summary.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    report.setup = &setup;
    report.run = &run;
    report.workload_source = workload.source;
    report.workload = &workload;

    const OrderedJson summary = serving_summary_json(report);
    if (out_dir) {
        // Everything is computed before anything is written, and each file is renamed into place complete.
        const std::string dir = *out_dir;
        const std::string csv = sim::requests_csv(run.requests);
        write_file_atomic(dir + "/config.resolved.json", cfg.resolved_json().dump(2) + "\n");
        write_file_atomic(dir + "/requests.csv", csv);
        if (trace) write_file_atomic(dir + "/trace.json", trace->finish());
        write_file_atomic(dir + "/summary.json", summary.dump(2) + "\n");
    }
    if (json) {
        std::cout << summary.dump() << "\n";
    } else {
        std::cout << serving_summary_table(report);
        if (out_dir)
            std::cout << "\nwrote " << *out_dir << "/{summary.json,requests.csv,config.resolved.json"
                      << (trace ? ",trace.json" : "") << "}\n";
    }
}

}  // namespace

void add_run_command(CLI::App& root) {
    auto cfg = std::make_shared<RunConfig>();
    CLI::App* cmd = root.add_subcommand("run", "simulate serving a workload and report latency and throughput");
    cfg->add_flags(*cmd);
    cmd->callback([cfg]() { run_command(*cfg); });
}

}  // namespace llmsim::tools
