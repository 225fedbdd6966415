// llmsim run: simulate serving a workload on a cluster and report latency and throughput.
#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>

#include "common/atomic_file.hpp"
#include "tools/commands/commands.hpp"
#include "tools/progress_bar.hpp"
#include "tools/report/serving_report.hpp"
#include "tools/run_config.hpp"
#include "tools/serving_run.hpp"

namespace llmsim::tools {
namespace {

void run_command(RunConfig& cfg, bool quiet) {
    cfg.resolve();
    const ServingRunResult r = run_serving(cfg, ProgressBar::wanted(quiet));
    for (const auto& note : r.outcome.notes)
        std::cerr << "llmsim: " << note << "\n";
    if (cfg.flag("json")) {
        write_stdout(r.summary.dump() + "\n");
    } else {
        std::string text = serving_summary_table(r.outcome.report());
        if (const auto out_dir = cfg.opt_text("out")) {
            text += "\nwrote " + *out_dir + "/{summary.json,requests.csv,timeline.csv,config.resolved.json" +
                    (cfg.flag("chrome-trace") ? ",trace.json" : "") + "}\n";
        }
        write_stdout(text);
    }
}

}  // namespace

void add_run_command(CLI::App& root) {
    auto cfg = std::make_shared<RunConfig>();
    CLI::App* cmd = root.add_subcommand("run", "simulate serving a workload and report latency and throughput");
    cfg->add_flags(*cmd);
    // Not a run setting (results do not depend on it), so neither in --config files nor in config.resolved.json.
    auto quiet = std::make_shared<bool>(false);
    cmd->add_flag("--quiet", *quiet, "no progress bar on stderr (shown only on a terminal, for runs over 2 s)");
    cmd->callback([cfg, quiet]() { run_command(*cfg, *quiet); });
}

}  // namespace llmsim::tools
