// llmsim sweep: run every point of a sweep spec into a SQLite result store, resumably (docs/sweep.md).
#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <iostream>
#include <thread>

#include "common/atomic_file.hpp"
#include "common/error.hpp"
#include "tools/commands/commands.hpp"
#include "tools/store/result_store.hpp"
#include "tools/store/result_table.hpp"
#include "tools/sweep/mpi_sweep.hpp"
#include "tools/sweep/sweep_runner.hpp"
#include "tools/sweep/sweep_spec.hpp"
#include "tools/typed_options.hpp"

namespace llmsim::tools {
namespace {

struct SweepArgs {
    std::string spec;
    std::string db;
    int threads = 0;  // 0: one per hardware thread
    std::string csv;
    bool store_requests = false;
    bool quiet = false;
};

constexpr int kMaxThreads = 256;

// The sweep's rows in point order: key, status, the swept settings, then every metric.
std::string sweep_csv(store::ResultStore& s, const SweepSpec& spec, int64_t sweep_id) {
    std::string cols = "r.run_key, m.point, r.status, r.error";
    for (const auto& k : spec.swept_keys())
        cols += ", r." + store::setting_column(k);
    for (const auto& c : store::metric_columns())
        cols += ", r." + c.name;
    store::Statement q = s.db().prepare("SELECT " + cols +
                                        " FROM sweep_runs m JOIN runs r ON r.run_key = m.run_key WHERE m.sweep_id = ? "
                                        "ORDER BY m.point");
    q.bind(1, sweep_id);
    return store::to_csv(store::fetch_all(q));
}

void sweep_command(const SweepArgs& a) {
    if (!a.csv.empty()) check_output_file(a.csv, "--csv");
    int threads = a.threads;
    if (threads < 0 || threads > kMaxThreads) {
        throw UsageError("--threads",
                         fmt::format("must be in [1, {}] (0: one per hardware thread), got {}", kMaxThreads, threads));
    }
    if (threads == 0) threads = static_cast<int>(std::max(1U, std::thread::hardware_concurrency()));
    const SweepSpec spec = load_sweep_spec(a.spec);
    SweepOptions o;
    o.threads = threads;
    o.store_requests = a.store_requests;
    o.quiet = a.quiet;
    SweepResult r;
    if (launched_by_mpi()) {
        const auto result = run_sweep_mpi(spec, a.db, o);
        if (!result) return;  // a worker rank: rank 0 reports
        r = *result;
    } else {
        // Every point resolves before the database is opened: a bad value leaves no trace in it.
        const std::vector<PlannedRun> planned = plan_runs(spec, threads);
        store::ResultStore store(a.db);
        r = run_sweep(spec, planned, store, o);
    }
    if (!a.csv.empty()) {
        store::ResultStore store(a.db);
        write_file_atomic(a.csv, sweep_csv(store, spec, r.sweep_id), "--csv");
    }
    std::cout << fmt::format(
        "sweep {}: {} points, {} runs ({} already stored, {} simulated, {} failed) in {:.2f} s ({:.1f} runs/s, {} "
        "thread{}) -> {}{}\n",
        r.sweep_id, r.points, r.runs, r.already_stored, r.simulated, r.failed, r.wall_s,
        r.wall_s > 0 ? static_cast<double>(r.simulated) / r.wall_s : 0.0, threads, threads == 1 ? "" : "s", a.db,
        a.csv.empty() ? "" : ", " + a.csv);
    if (r.failed > 0) {
        std::cerr << "llmsim: " << r.failed << " run" << (r.failed == 1 ? "" : "s")
                  << " could not run (status 'error' in the runs table); first: " << r.first_error << "\n";
    }
    if (r.failed == r.runs) throw UsageError(a.spec, "no run of the sweep could run; first error: " + r.first_error);
}

}  // namespace

void add_sweep_command(CLI::App& root) {
    auto a = std::make_shared<SweepArgs>();
    CLI::App* cmd = root.add_subcommand("sweep", "run a grid of serving simulations into a SQLite result store");
    cmd->add_option("spec", a->spec,
                    "sweep spec JSON: {\"base\": {run settings}, \"axes\": {\"grid\": {...}, \"zip\": {...}}}")
        ->required();
    cmd->add_option(
           "--db", a->db,
           "SQLite result store (created if missing->check(non_empty_path()); finished runs are not run again)")
        ->required();
    cmd->add_option("--threads", a->threads, "worker threads (default 0: one per hardware thread)");
    cmd->add_option("--csv", a->csv, "also write the sweep's rows (swept settings and metrics) as CSV")
        ->check(non_empty_path());
    cmd->add_flag("--store-requests", a->store_requests, "store one row per request in the requests table");
    cmd->add_flag("--quiet", a->quiet, "no progress on stderr");
    cmd->callback([a]() { sweep_command(*a); });
}

}  // namespace llmsim::tools
