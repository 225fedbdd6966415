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

// The files a run writes into --out: an earlier run's set is replaced whole.
const std::vector<std::string> kRunOutputFiles = {"config.resolved.json", "requests.csv", "summary.json", "trace.json"};

void run_command(RunConfig& cfg) {
    cfg.resolve();
    const bool json = cfg.flag("json");
    const auto out_dir = cfg.opt_text("out");
    const bool chrome = cfg.flag("chrome-trace");
    if (chrome && !out_dir) throw UsageError("--chrome-trace", "needs --out DIR to write trace.json into");
    if (out_dir) check_output_directory(*out_dir, cfg.where("out"));

    std::unique_ptr<ChromeTraceWriter> trace;
    if (chrome) trace = std::make_unique<ChromeTraceWriter>();
    const ServingOutcome outcome = simulate_serving(cfg, trace.get());
    for (const auto& note : outcome.notes)
        std::cerr << "llmsim: " << note << "\n";
    const sim::ServingRun& run = outcome.run;
    const ServingReport report = outcome.report();

    const OrderedJson summary = serving_summary_json(report);
    if (out_dir) {
        // Everything is computed before anything is written; the directory then changes as one set.
        std::vector<std::pair<std::string, std::string>> files = {
            {"config.resolved.json", cfg.resolved_json().dump(2) + "\n"},
            {"requests.csv", sim::requests_csv(run.requests, !outcome.setup.cluster.spec_decode.empty())},
            {"summary.json", summary.dump(2) + "\n"}};
        if (trace) files.emplace_back("trace.json", trace->finish());
        write_directory_atomic(*out_dir, files, kRunOutputFiles, cfg.where("out"));
    }
    if (json) {
        write_stdout(summary.dump() + "\n");
    } else {
        std::string text = serving_summary_table(report);
        if (out_dir) {
            text += "\nwrote " + *out_dir + "/{summary.json,requests.csv,config.resolved.json" +
                    (trace ? ",trace.json" : "") + "}\n";
        }
        write_stdout(text);
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
