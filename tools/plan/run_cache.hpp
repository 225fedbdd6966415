#pragma once
// Every run the planner evaluates, keyed as `llmsim sweep` keys its runs (hash of the resolved settings): found in
// the result store when a sweep or an earlier plan ran it, otherwise simulated and committed at once, so a re-plan
// (or a plan killed mid-way and started again) simulates only what is missing. Safe to call from several threads;
// the store sees one writer at a time.
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

#include "common/json_io.hpp"
#include "tools/store/result_store.hpp"

namespace llmsim::tools {

struct EvaluatedRun {
    std::string run_key;
    std::string status;  // ok | error
    std::string error;
    OrderedJson summary;  // `run --json` less wall-clock figures; null on error
    bool cached = false;  // found in the store (or earlier in this plan)
};

class RunCache {
  public:
    // `store` may be null (no --db): runs are remembered for this plan only. `sweep_id`: the plan's row in sweeps.
    RunCache(store::ResultStore* store, int64_t sweep_id) : store_(store), sweep_id_(sweep_id) {}

    // `settings`: resolved settings as RunConfig::resolved_json() writes them (the key is their hash). `point`: the
    // run's place in the plan (sweep_runs.point), chosen by the caller so it does not depend on thread timing.
    EvaluatedRun evaluate(const OrderedJson& settings, int64_t point);

    [[nodiscard]] int64_t simulated() const { return simulated_; }
    [[nodiscard]] int64_t cached() const { return cached_; }

  private:
    store::ResultStore* store_;
    int64_t sweep_id_;
    std::mutex m_;
    std::map<std::string, EvaluatedRun> memo_;
    std::atomic<int64_t> simulated_{0}, cached_{0};
};

}  // namespace llmsim::tools
