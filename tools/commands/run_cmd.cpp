// llmsim run: simulate serving a workload on a cluster and report latency and throughput.
#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>

#include "tools/commands/commands.hpp"
#include "tools/report/serving_report.hpp"
#include "tools/run_config.hpp"
#include "tools/serving_run.hpp"

namespace llmsim::tools {
namespace {

void run_command(RunConfig& cfg) {
    cfg.resolve();
    const ServingRunResult r = run_serving(cfg);
    for (const auto& note : r.outcome.notes)
        std::cerr << "llmsim: " << note << "\n";
    if (cfg.flag("json")) {
        std::cout << r.summary.dump() << "\n";
    } else {
        std::cout << serving_summary_table(r.outcome.report());
        if (const auto out_dir = cfg.opt_text("out")) {
            std::cout << "\nwrote " << *out_dir << "/{summary.json,requests.csv,config.resolved.json"
                      << (cfg.flag("chrome-trace") ? ",trace.json" : "") << "}\n";
        }
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
