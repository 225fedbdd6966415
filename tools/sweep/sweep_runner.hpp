#pragma once
// Runs a sweep's points into the result store: resolves every point to its run key, skips keys already stored,
// simulates the rest on a pool of threads (each run is independent and deterministic) and hands each finished
// run to one writer (this thread), which commits it. A killed sweep started again runs only what was not committed.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/json_io.hpp"
#include "tools/store/result_store.hpp"
#include "tools/sweep/sweep_spec.hpp"

namespace llmsim::tools {

struct SweepOptions {
    int threads = 1;
    bool store_requests = false;
    bool quiet = false;
};

// A point resolved to its run: the key, the resolved settings, or why they cannot run.
struct PlannedRun {
    int64_t point = 0;
    std::string run_key;
    Json settings;                     // the point's settings as given (base + axes)
    std::optional<std::string> error;  // deterministic setup failure (e.g. the model does not fit): stored as such
};

struct SweepResult {
    int64_t sweep_id = 0;
    int64_t points = 0;
    int64_t runs = 0;            // distinct run keys
    int64_t already_stored = 0;  // skipped: committed by an earlier (possibly killed) sweep
    int64_t simulated = 0;
    int64_t failed = 0;  // runs of this sweep stored with status error
    std::string first_error;
    double wall_s = 0;
};

// Resolves every point (in parallel); a bad setting value is an InputError naming the point.
std::vector<PlannedRun> plan_runs(const SweepSpec& spec, int threads);

// Simulates one planned run; deterministic (no wall-clock figures in the record).
store::RunRecord evaluate_run(const SweepSpec& spec, const PlannedRun& run, bool store_requests);

// `planned` is plan_runs(spec, ...).
SweepResult run_sweep(const SweepSpec& spec, const std::vector<PlannedRun>& planned, store::ResultStore& store,
                      const SweepOptions& options);

}  // namespace llmsim::tools
