// llmsim report: one self-contained HTML page of plots for a run directory or the sweeps of a result store.
#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>
#include <optional>

#include "common/atomic_file.hpp"
#include "common/error.hpp"
#include "tools/commands/commands.hpp"
#include "tools/report/html_report.hpp"
#include "tools/report/run_report.hpp"
#include "tools/report/store_report.hpp"

namespace llmsim::tools {
namespace {

struct ReportArgs {
    std::string run_dir;
    std::string db;
    std::string sweep;
    std::string out;
    bool quiet = false;
};

void report_command(const ReportArgs& a) {
    if (a.run_dir.empty() == a.db.empty())
        throw UsageError("RUN_DIR", "give a run directory or --db FILE (one of them)");
    if (!a.sweep.empty() && a.db.empty()) throw UsageError("--sweep", "needs --db FILE");
    const HtmlPage page =
        a.db.empty() ? run_report_page(a.run_dir)
                     : store_report_page(a.db, a.sweep.empty() ? std::nullopt : std::optional<std::string>(a.sweep));
    size_t charts = 0;
    for (const auto& s : page.sections)
        charts += s.charts.size();
    write_file_atomic(a.out, render_html(page));
    if (!a.quiet) std::cout << "wrote " << a.out << " (" << charts << " plots)\n";
}

}  // namespace

void add_report_command(CLI::App& root) {
    auto a = std::make_shared<ReportArgs>();
    CLI::App* cmd = root.add_subcommand(
        "report", "write one self-contained HTML page of plots for a run directory or a result store's sweeps");
    cmd->add_option("run_dir", a->run_dir, "a folder written by `llmsim run --out DIR`");
    cmd->add_option("--db", a->db, "SQLite result store written by `llmsim sweep` or `llmsim plan --db`");
    cmd->add_option("--sweep", a->sweep, "one sweep of the store, by id or name (default: every sweep)");
    cmd->add_option("--out", a->out, "the HTML file to write")->required();
    cmd->add_flag("--quiet", a->quiet, "print nothing on success");
    cmd->callback([a]() { report_command(*a); });
}

}  // namespace llmsim::tools
