#include "tools/sweep/sweep_runner.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <iostream>
#include <map>
#include <mutex>
#include <thread>

#include "common/error.hpp"
#include "tools/report/serving_report.hpp"
#include "tools/run_config.hpp"
#include "tools/serving_run.hpp"
#include "tools/serving_setup.hpp"
#include "tools/sweep/parallel_for.hpp"
#include "tools/sweep/progress.hpp"

namespace llmsim::tools {
namespace {

std::vector<store::RequestRow> request_rows(const sim::ServingRun& run) {
    std::vector<store::RequestRow> rows;
    rows.reserve(run.requests.size());
    for (const auto& r : run.requests) {
        store::RequestRow q;
        q.id = r.id;
        q.replica = r.replica;
        q.arrival_s = static_cast<double>(r.arrival_ns) * 1e-9;
        q.prompt_tokens = r.prompt_tokens;
        q.output_tokens = r.output_tokens;
        q.preemptions = r.preemptions;
        const bool done = r.phase() == sim::RequestPhase::finished;
        q.status = done ? "completed" : r.phase() == sim::RequestPhase::rejected ? "rejected" : "unfinished";
        if (done) {
            q.queue_ms = static_cast<double>(r.first_scheduled_ns - r.arrival_ns) * 1e-6;
            q.ttft_ms = static_cast<double>(r.first_token_ns - r.arrival_ns) * 1e-6;
            q.e2e_ms = static_cast<double>(r.finish_ns - r.arrival_ns) * 1e-6;
            if (r.output_tokens > 1) {
                q.tpot_ms = static_cast<double>(r.finish_ns - r.first_token_ns) * 1e-6 / (r.output_tokens - 1);
            }
        }
        rows.push_back(std::move(q));
    }
    return rows;
}

// Finished runs waiting for the writer.
class RecordQueue {
  public:
    void push(store::RunRecord r) {
        {
            std::lock_guard<std::mutex> lock(m_);
            items_.push_back(std::move(r));
        }
        cv_.notify_one();
    }
    // Waits for at least one record (or `closed`), then takes everything queued.
    std::vector<store::RunRecord> take_all(const std::atomic<bool>& closed) {
        std::unique_lock<std::mutex> lock(m_);
        cv_.wait_for(lock, std::chrono::milliseconds(200), [&] { return !items_.empty() || closed.load(); });
        std::vector<store::RunRecord> out(std::make_move_iterator(items_.begin()),
                                          std::make_move_iterator(items_.end()));
        items_.clear();
        return out;
    }
    void wake() { cv_.notify_all(); }

  private:
    std::mutex m_;
    std::condition_variable cv_;
    std::deque<store::RunRecord> items_;
};

// A setup error names a flag ("--model: ..."): say which point of the spec it is about.
std::string located(const SweepSpec& spec, int64_t point, const Error& e) {
    const std::string what = e.what();
    return what.rfind("--", 0) == 0 ? spec.point_where(point) + ": " + what : what;
}

}  // namespace

std::vector<PlannedRun> plan_runs(const SweepSpec& spec, int threads) {
    const int64_t n = spec.points();
    std::vector<PlannedRun> runs(static_cast<size_t>(n));
    parallel_for(n, threads, [&](int64_t i) {
        PlannedRun& p = runs[static_cast<size_t>(i)];
        p.point = i;
        p.settings = spec.point(i);
        RunConfig cfg;
        cfg.resolve_from_json(p.settings, spec.point_where(i));  // bad values: the spec's fault, exit 2
        try {
            (void)make_serving_setup(cfg);  // fills the derived defaults the key must cover
        } catch (const Error& e) {
            if (e.kind() == ErrorKind::internal) throw;
            p.error = located(spec, i, e);
        }
        p.run_key = hash_hex("run " + cfg.resolved_json().dump());
    });
    return runs;
}

store::RunRecord evaluate_run(const SweepSpec& spec, const PlannedRun& run, bool store_requests) {
    store::RunRecord rec;
    rec.run_key = run.run_key;
    rec.point = run.point;
    RunConfig cfg;
    cfg.resolve_from_json(run.settings, spec.point_where(run.point));
    if (run.error) {
        rec.status = "error";
        rec.error = *run.error;
        rec.config = cfg.resolved_json();
        return rec;
    }
    try {
        const ServingOutcome outcome = simulate_serving(cfg);
        rec.status = "ok";
        rec.summary = deterministic_summary_json(outcome.report());
        if (store_requests) rec.requests = request_rows(outcome.run);
    } catch (const Error& e) {
        if (e.kind() == ErrorKind::internal) throw;
        rec.status = "error";
        rec.error = located(spec, run.point, e);
    }
    rec.config = cfg.resolved_json();
    return rec;
}

SweepResult run_sweep(const SweepSpec& spec, const std::vector<PlannedRun>& planned, store::ResultStore& store,
                      const SweepOptions& options) {
    const auto t0 = std::chrono::steady_clock::now();
    LLMSIM_ASSERT(options.threads >= 1, "threads must be >= 1");
    SweepResult result;
    result.points = spec.points();

    // One run per distinct key, at its first point.
    std::vector<const PlannedRun*> unique;
    std::vector<std::pair<std::string, int64_t>> members;
    {
        std::map<std::string, int64_t> first;
        for (const auto& p : planned) {
            if (first.emplace(p.run_key, p.point).second) {
                unique.push_back(&p);
                members.emplace_back(p.run_key, p.point);
            }
        }
    }
    result.runs = static_cast<int64_t>(unique.size());
    result.sweep_id =
        store.begin_sweep(spec.spec_hash, spec.name, spec.command, spec.canonical_json(), spec.swept_keys(), members);
    const std::set<std::string> stored = store.stored_keys();
    std::vector<const PlannedRun*> todo;
    for (const auto* p : unique) {
        if (stored.count(p->run_key) == 0) todo.push_back(p);
    }
    result.already_stored = result.runs - static_cast<int64_t>(todo.size());

    Progress progress("llmsim sweep", static_cast<int64_t>(todo.size()), options.quiet, std::cerr,
                      stderr_is_terminal());
    RecordQueue queue;
    std::atomic<bool> workers_done{false};
    std::atomic<bool> stop{false};  // the writer failed: run nothing more
    std::exception_ptr worker_failure;
    std::thread workers([&] {
        try {
            parallel_for(static_cast<int64_t>(todo.size()), options.threads, [&](int64_t i) {
                if (stop) return;
                queue.push(evaluate_run(spec, *todo[static_cast<size_t>(i)], options.store_requests));
            });
        } catch (...) {
            worker_failure = std::current_exception();
        }
        workers_done = true;
        queue.wake();
    });
    // The writer: commits whatever has finished, one transaction per batch.
    int64_t written = 0;
    std::exception_ptr writer_failure;
    while (true) {
        const bool last = workers_done.load();
        std::vector<store::RunRecord> batch = queue.take_all(workers_done);
        if (!batch.empty() && !writer_failure) {
            try {
                store.insert(result.sweep_id, batch);
            } catch (...) {
                writer_failure = std::current_exception();
                stop = true;
            }
        }
        written += static_cast<int64_t>(batch.size());
        progress.advance(static_cast<int64_t>(batch.size()));
        if (last && batch.empty()) break;
    }
    workers.join();
    if (writer_failure) std::rethrow_exception(writer_failure);
    if (worker_failure) std::rethrow_exception(worker_failure);
    progress.finish();
    result.simulated = written;
    const auto [failed, first_error] = store.errors_of(result.sweep_id);
    result.failed = failed;
    result.first_error = first_error;
    store.checkpoint();
    result.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return result;
}

}  // namespace llmsim::tools
