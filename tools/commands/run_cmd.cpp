// llmsim run: simulate serving a workload on a cluster and report latency and throughput.
#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>

#include "common/atomic_file.hpp"
#include "common/error.hpp"
#include "tools/commands/commands.hpp"
#include "tools/report/chrome_trace.hpp"
#include "tools/report/serving_report.hpp"
#include "tools/run_config.hpp"
#include "tools/serving_run.hpp"

namespace llmsim::tools {
namespace {

void run_command(RunConfig& cfg) {
    cfg.resolve();
    const bool json = cfg.flag("json");
    const auto out_dir = cfg.opt_text("out");
    const bool chrome = cfg.flag("chrome-trace");
    if (chrome && !out_dir) throw UsageError("--chrome-trace", "needs --out DIR to write trace.json into");
    if (out_dir) ensure_directory(*out_dir);

    std::unique_ptr<ChromeTraceWriter> trace;
    if (chrome) trace = std::make_unique<ChromeTraceWriter>();
    const ServingOutcome outcome = simulate_serving(cfg, trace.get());
    for (const auto& note : outcome.notes)
        std::cerr << "llmsim: " << note << "\n";
    const sim::ServingRun& run = outcome.run;
    const ServingReport report = outcome.report();

    const OrderedJson summary = serving_summary_json(report);
    if (out_dir) {
        // Everything is computed before anything is written, and each file is renamed into place complete.
        const std::string dir = *out_dir;
        const std::string csv = sim::requests_csv(run.requests, !outcome.setup.cluster.spec_decode.empty(),
                                                  outcome.disagg != nullptr);
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
