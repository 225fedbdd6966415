#include "tools/sweep/mpi_sweep.hpp"

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <map>
#include <set>

#include "common/error.hpp"
#include "tools/sweep/progress.hpp"

#ifdef LLMSIM_WITH_MPI
#include <mpi.h>
#endif

namespace llmsim::tools {

bool launched_by_mpi() {
    for (const char* var : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_SIZE"}) {
        const char* v = std::getenv(var);
        if (v != nullptr && std::atoi(v) > 1) return true;
    }
    return false;
}

#ifndef LLMSIM_WITH_MPI

std::optional<SweepResult> run_sweep_mpi(const SweepSpec&, const std::string&, const SweepOptions&) {
    throw UsageError("mpirun",
                     "this llmsim was built without MPI (CMake did not find it): run `llmsim sweep` once, "
                     "with --threads N, or rebuild with OpenMPI installed (libopenmpi-dev)");
}

#else

namespace {

enum Tag : int { kReady = 1, kWork = 2, kRecord = 3 };
constexpr int64_t kStop = -1;

OrderedJson record_json(const store::RunRecord& r) {
    OrderedJson j;
    j["run_key"] = r.run_key;
    j["point"] = r.point;
    j["status"] = r.status;
    j["error"] = r.error;
    j["config"] = r.config;
    j["summary"] = r.summary;
    OrderedJson reqs = OrderedJson::array();
    auto cell = [](const store::Cell& c) {
        return std::holds_alternative<double>(c) ? OrderedJson(std::get<double>(c)) : OrderedJson();
    };
    for (const auto& q : r.requests) {
        reqs.push_back(
            OrderedJson::array({q.id, q.replica, q.arrival_s, q.prompt_tokens, q.output_tokens, q.status,
                                cell(q.ttft_ms), cell(q.tpot_ms), cell(q.e2e_ms), cell(q.queue_ms), q.preemptions}));
    }
    j["requests"] = reqs;
    return j;
}

store::RunRecord record_from(const OrderedJson& j) {
    store::RunRecord r;
    r.run_key = j["run_key"].get<std::string>();
    r.point = j["point"].get<int64_t>();
    r.status = j["status"].get<std::string>();
    r.error = j["error"].get<std::string>();
    r.config = j["config"];
    r.summary = j["summary"];
    auto cell = [](const OrderedJson& v) { return v.is_null() ? store::Cell{} : store::Cell{v.get<double>()}; };
    for (const auto& q : j["requests"]) {
        store::RequestRow row;
        row.id = q[0].get<int64_t>();
        row.replica = q[1].get<int64_t>();
        row.arrival_s = q[2].get<double>();
        row.prompt_tokens = q[3].get<int64_t>();
        row.output_tokens = q[4].get<int64_t>();
        row.status = q[5].get<std::string>();
        row.ttft_ms = cell(q[6]);
        row.tpot_ms = cell(q[7]);
        row.e2e_ms = cell(q[8]);
        row.queue_ms = cell(q[9]);
        row.preemptions = q[10].get<int64_t>();
        r.requests.push_back(std::move(row));
    }
    return r;
}

void send_text(const std::string& text, int dest, int tag) {
    MPI_Send(text.data(), static_cast<int>(text.size()), MPI_CHAR, dest, tag, MPI_COMM_WORLD);
}

// Receives a READY (empty) or RECORD message from any worker.
std::pair<int, std::string> receive_any(int* tag) {
    MPI_Status st;
    MPI_Probe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &st);
    int n = 0;
    MPI_Get_count(&st, MPI_CHAR, &n);
    std::string text(static_cast<size_t>(n), '\0');
    MPI_Recv(text.data(), n, MPI_CHAR, st.MPI_SOURCE, st.MPI_TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    *tag = st.MPI_TAG;
    return {st.MPI_SOURCE, text};
}

struct MpiSession {
    MpiSession() { MPI_Init(nullptr, nullptr); }
    ~MpiSession() { MPI_Finalize(); }
};

}  // namespace

std::optional<SweepResult> run_sweep_mpi(const SweepSpec& spec, const std::string& db_path,
                                         const SweepOptions& options) {
    static MpiSession session;  // finalized at exit, after every rank has left the sweep
    int rank = 0;
    int size = 1;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    const std::vector<PlannedRun> planned = plan_runs(spec, options.threads);  // deterministic on every rank

    if (rank != 0) {
        // Ask for work, run it, send it back, until told to stop.
        std::string result;
        int tag = kReady;
        while (true) {
            send_text(result, 0, tag);
            int64_t index = kStop;
            MPI_Recv(&index, 1, MPI_INT64_T, 0, kWork, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
            if (index == kStop) return std::nullopt;
            result =
                record_json(evaluate_run(spec, planned[static_cast<size_t>(index)], options.store_requests)).dump();
            tag = kRecord;
        }
    }

    // Rank 0: the one writer. A failure here still releases the workers.
    int stopped = 0;
    auto stop_all = [&] {
        while (stopped < size - 1) {
            int tag = 0;
            const auto [source, text] = receive_any(&tag);
            int64_t stop = kStop;
            MPI_Send(&stop, 1, MPI_INT64_T, source, kWork, MPI_COMM_WORLD);
            ++stopped;
        }
    };
    try {
        const auto t0 = std::chrono::steady_clock::now();
        store::ResultStore db(db_path);
        SweepResult result;
        result.points = spec.points();
        std::vector<std::pair<std::string, int64_t> > members;
        std::vector<size_t> unique;
        {
            std::set<std::string> seen;
            for (size_t i = 0; i < planned.size(); ++i) {
                if (seen.insert(planned[i].run_key).second) {
                    unique.push_back(i);
                    members.emplace_back(planned[i].run_key, planned[i].point);
                }
            }
        }
        result.runs = static_cast<int64_t>(unique.size());
        result.sweep_id =
            db.begin_sweep(spec.spec_hash, spec.name, spec.command, spec.canonical_json(), spec.swept_keys(), members);
        const std::set<std::string> stored = db.stored_keys();
        std::vector<int64_t> todo;
        for (size_t i : unique) {
            if (stored.count(planned[i].run_key) == 0) todo.push_back(static_cast<int64_t>(i));
        }
        result.already_stored = result.runs - static_cast<int64_t>(todo.size());
        Progress progress("llmsim sweep", static_cast<int64_t>(todo.size()), options.quiet, std::cerr,
                          stderr_is_terminal());
        size_t next = 0;
        while (stopped < size - 1) {
            int tag = 0;
            const auto [source, text] = receive_any(&tag);
            if (tag == kRecord) {
                db.insert(result.sweep_id, {record_from(OrderedJson::parse(text))});
                ++result.simulated;
                progress.advance(1);
            }
            int64_t index = next < todo.size() ? todo[next++] : kStop;
            MPI_Send(&index, 1, MPI_INT64_T, source, kWork, MPI_COMM_WORLD);
            if (index == kStop) ++stopped;
        }
        progress.finish();
        const auto [failed, first_error] = db.errors_of(result.sweep_id);
        result.failed = failed;
        result.first_error = first_error;
        db.checkpoint();
        result.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        return result;
    } catch (...) {
        stop_all();
        throw;
    }
}

#endif

}  // namespace llmsim::tools
