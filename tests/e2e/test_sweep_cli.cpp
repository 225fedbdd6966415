// llmsim sweep and llmsim query through the real binary: rows, resumption after SIGKILL, threads, read-only queries
// and the bad inputs that must exit 2 with the database intact.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "common/json_io.hpp"
#include "tests/support/cli_checks.hpp"
#include "tests/support/test_support.hpp"
#include "tools/store/result_table.hpp"
#include "tools/store/sqlite_db.hpp"

using namespace llmsim;
using namespace llmsim::test;
namespace store = llmsim::tools::store;

namespace {

// A small grid: 2 schedulers x 3 rates x 2 seeds = 12 runs of 60 requests.
const char* kSpec = R"({"name": "test", "base": {"model": "llama-2-7b", "hardware": "a100", "num_requests": 60,
    "lengths": "fixed:256:64", "slo_ttft_ms": 500},
    "axes": {"grid": {"scheduler": ["sarathi", "vllm"], "qps": [2, 4, 8], "seed": {"from": 0, "to": 1}}}})";

// Every stored run, as text, in key order: what two sweeps of the same spec must agree on.
std::string runs_dump(const std::string& db_path) {
    store::Database db(db_path, store::OpenMode::read_only);
    store::Statement s = db.prepare("SELECT * FROM runs ORDER BY run_key");
    return store::to_csv(store::fetch_all(s));
}

int64_t count(const std::string& db_path, const std::string& sql) {
    store::Database db(db_path, store::OpenMode::read_only);
    store::Statement s = db.prepare(sql);
    REQUIRE(s.step());
    return std::get<int64_t>(s.cell(0));
}

std::string file_bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

CommandResult sweep(const std::string& spec, const std::string& db, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"sweep", spec, "--db", db, "--quiet"};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_llmsim(args);
}

}  // namespace

TEST_CASE("sweep stores one row per run with swept columns and metrics; CSV and query agree", "[cli][sweep]") {
    TempDir tmp;
    const std::string spec = tmp.write("spec.json", kSpec);
    const std::string db = tmp.file("r.sqlite");
    const CommandResult r = sweep(spec, db, {"--threads", "2", "--csv", tmp.file("out.csv")});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.find("12 runs (0 already stored, 12 simulated, 0 failed)") != std::string::npos);
    CHECK(count(db, "SELECT count(*) FROM runs WHERE status = 'ok'") == 12);
    CHECK(count(db, "SELECT count(DISTINCT scheduler || qps || seed) FROM runs") == 12);
    CHECK(count(db, "SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'schema_version'") == 1);
    // A row's metrics are what `run --json` prints for its config.
    const CommandResult q = run_llmsim({"query", "--db", db, "--json",
                                        "SELECT config_json, throughput_rps, ttft_ms_p90, cost_usd_per_mtok FROM runs "
                                        "WHERE scheduler = 'vllm' AND qps = 4 AND seed = 1"});
    REQUIRE(q.exit_code == 0);
    const Json rows = Json::parse(q.out);
    REQUIRE(rows.size() == 1);
    const std::string cfg = tmp.write("cfg.json", rows[0]["config_json"].get<std::string>());
    const CommandResult run = run_llmsim({"run", "--config", cfg, "--json"});
    REQUIRE(run.exit_code == 0);
    const Json j = Json::parse(run.out);
    CHECK(j["throughput_rps"].get<double>() == rows[0]["throughput_rps"].get<double>());
    CHECK(j["ttft_ms"]["p90"].get<double>() == rows[0]["ttft_ms_p90"].get<double>());
    CHECK(j["cost_usd_per_mtok"].get<double>() == rows[0]["cost_usd_per_mtok"].get<double>());
    // The CSV has the header and one line per run, in point order.
    const std::string csv = read_text(tmp.file("out.csv"));
    CHECK(csv.rfind("run_key,point,status,error,qps,scheduler,seed,requests,", 0) == 0);
    CHECK(std::count(csv.begin(), csv.end(), '\n') == 13);
    // Running it again simulates nothing.
    const CommandResult again = sweep(spec, db);
    REQUIRE(again.exit_code == 0);
    CHECK(again.out.find("12 already stored, 0 simulated") != std::string::npos);
    CHECK(count(db, "SELECT count(*) FROM runs") == 12);
}

TEST_CASE("two threads store the same rows as one", "[cli][sweep]") {
    TempDir tmp;
    const std::string spec = tmp.write("spec.json", kSpec);
    REQUIRE(sweep(spec, tmp.file("one.sqlite"), {"--threads", "1"}).exit_code == 0);
    REQUIRE(sweep(spec, tmp.file("two.sqlite"), {"--threads", "2"}).exit_code == 0);
    const std::string one = runs_dump(tmp.file("one.sqlite"));
    CHECK(std::count(one.begin(), one.end(), '\n') == 13);
    CHECK(one == runs_dump(tmp.file("two.sqlite")));
}

TEST_CASE("a sweep killed with SIGKILL and restarted stores every run once, as an uninterrupted one",
          "[cli][sweep][resume]") {
    TempDir tmp;
    // 24 runs of 400 requests: long enough to be killed part-way.
    std::string text = kSpec;
    text.replace(text.find("\"num_requests\": 60"), 18, "\"num_requests\": 400");
    text.replace(text.find("\"to\": 1"), 7, "\"to\": 3");
    const std::string spec = tmp.write("spec.json", text);
    const std::string db = tmp.file("killed.sqlite");

    const pid_t pid = spawn_llmsim({"sweep", spec, "--db", db, "--threads", "1", "--quiet"}, "/dev/null", "/dev/null");
    // Kill once a few runs are committed (polling the store read-only, as `llmsim query` would).
    int64_t committed = 0;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    while (std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
        if (!std::filesystem::exists(db)) continue;
        try {
            committed = count(db, "SELECT count(*) FROM runs");
        } catch (const std::exception&) {
            continue;  // schema not created yet
        }
        if (committed >= 3) break;
    }
    kill(pid, SIGKILL);
    int status = 0;
    waitpid(pid, &status, 0);
    REQUIRE(WIFSIGNALED(status));
    const int64_t after_kill = count(db, "SELECT count(*) FROM runs");
    INFO("runs committed when killed: " << after_kill);
    REQUIRE(after_kill >= 3);
    REQUIRE(after_kill < 24);

    const CommandResult resumed = sweep(spec, db, {"--threads", "2"});
    INFO(resumed.err);
    REQUIRE(resumed.exit_code == 0);
    CHECK(resumed.out.find(std::to_string(after_kill) + " already stored, " + std::to_string(24 - after_kill) +
                           " simulated") != std::string::npos);
    const std::string straight = tmp.file("straight.sqlite");
    REQUIRE(sweep(spec, straight, {"--threads", "2"}).exit_code == 0);
    CHECK(count(db, "SELECT count(*) FROM runs") == 24);
    CHECK(count(db, "SELECT count(DISTINCT run_key) FROM runs") == 24);
    CHECK(runs_dump(db) == runs_dump(straight));
}

TEST_CASE("query refuses every write and leaves the file unchanged", "[cli][query]") {
    TempDir tmp;
    const std::string spec = tmp.write("spec.json", kSpec);
    const std::string db = tmp.file("r.sqlite");
    REQUIRE(sweep(spec, db).exit_code == 0);
    const std::string before = file_bytes(db);
    tmp.write("other.sqlite", "");
    for (const std::string& sql : std::vector<std::string>{
             "INSERT INTO meta(key, value) VALUES('x', 'y')", "DELETE FROM runs", "UPDATE runs SET qps = 0",
             "DROP TABLE runs", "CREATE TABLE t(x)", "ATTACH DATABASE '" + tmp.file("other.sqlite") + "' AS o",
             "DETACH DATABASE main", "PRAGMA user_version = 7", "PRAGMA journal_mode = DELETE", "PRAGMA wal_checkpoint",
             "VACUUM", "REINDEX", "SELECT 1; DELETE FROM runs"}) {
        INFO(sql);
        const CommandResult r = run_llmsim({"query", "--db", db, sql});
        check_exit2(r, {});
        CHECK(r.out.empty());
        CHECK(file_bytes(db) == before);
    }
    CHECK(count(db, "SELECT count(*) FROM runs") == 12);
    // Reads work, including read-only PRAGMAs, in all three forms.
    const CommandResult table =
        run_llmsim({"query", "--db", db, "SELECT scheduler, count(*) AS n FROM runs GROUP BY scheduler"});
    REQUIRE(table.exit_code == 0);
    CHECK(table.out.find("sarathi") != std::string::npos);
    CHECK(table.out.find("(2 rows)") != std::string::npos);
    const CommandResult csv = run_llmsim({"query", "--db", db, "--csv", "SELECT qps FROM runs ORDER BY qps LIMIT 1"});
    CHECK(csv.out == "qps\n2\n");
    CHECK(run_llmsim({"query", "--db", db, "--json", "PRAGMA table_info(runs)"}).exit_code == 0);
    CHECK(file_bytes(db) == before);
}

TEST_CASE("bad sweep and query input exits 2 with the database intact", "[cli][sweep][errors]") {
    TempDir tmp;
    const std::string spec = tmp.write("spec.json", kSpec);
    const std::string db = tmp.file("r.sqlite");
    REQUIRE(sweep(spec, db).exit_code == 0);
    const std::string before = file_bytes(db);

    check_exit2(sweep(tmp.write("bad.json", R"({"grid": {"schedular": ["vllm"]}})"), db),
                {"bad.json#/grid/schedular", "did you mean 'scheduler'"});
    check_exit2(sweep(tmp.write("empty.json", R"({"base": {"tp": 1}, "axes": {"grid": {}}})"), db), {"empty axes"});
    check_exit2(sweep(tmp.write("value.json", R"({"grid": {"tp": ["two"]}})"), db),
                {"expected an integer", "'two'", "tp=two"});
    check_exit2(sweep(spec, db, {"--threads", "-1"}), {"--threads"});
    CHECK(file_bytes(db) == before);

    // SQL errors carry SQLite's message and the statement.
    check_exit2(run_llmsim({"query", "--db", db, "SELEC * FROM runs"}), {"syntax error", "SELEC * FROM runs"});
    check_exit2(run_llmsim({"query", "--db", db, "SELECT nope FROM runs"}), {"no such column: nope"});
    check_exit2(run_llmsim({"query", "--db", tmp.file("missing.sqlite"), "SELECT 1"}), {"--db", "no such file"});
    CHECK(!std::filesystem::exists(tmp.file("missing.sqlite")));

    // A file that is not a database: refused by query and by sweep, and left as it was.
    const std::string junk = tmp.write("junk.sqlite", std::string(4096, 'x'));
    check_exit2(run_llmsim({"query", "--db", junk, "SELECT 1 FROM runs"}), {"junk.sqlite", "not a database"});
    check_exit2(sweep(spec, junk), {"junk.sqlite", "not a database"});
    CHECK(file_bytes(junk) == std::string(4096, 'x'));

    // Another SQLite database is not taken over.
    {
        store::Database other(tmp.file("other.sqlite"), store::OpenMode::read_write_create);
        other.exec("CREATE TABLE t(x)");
    }
    check_exit2(sweep(spec, tmp.file("other.sqlite")), {"not an llmsim result store"});

    // A store locked by another writer: the sweep gives up after its busy timeout, and writes nothing.
    {
        store::Database holder(db, store::OpenMode::read_write_create);
        holder.exec("BEGIN EXCLUSIVE");
        check_exit2(sweep(tmp.write("more.json", R"({"base": {"num_requests": 10}, "grid": {"qps": [1]}})"), db),
                    {"r.sqlite", "locked"});
        holder.exec("ROLLBACK");
    }
    CHECK(count(db, "SELECT count(*) FROM runs") == 12);
}

TEST_CASE("points that cannot run are stored as errors; the rest run", "[cli][sweep]") {
    TempDir tmp;
    const std::string spec = tmp.write("spec.json", R"({"base": {"model": "llama-2-70b", "num_requests": 20,
        "lengths": "fixed:128:16", "qps": 2}, "grid": {"hardware": ["a100-sxm-40gb", "a100-sxm-80gb"], "tp": [1, 4]}})");
    const std::string db = tmp.file("r.sqlite");
    const CommandResult r = sweep(spec, db);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(r.err.find("run 0 (hardware=a100-sxm-40gb,tp=1): --model: llama-2-70b does not fit") != std::string::npos);
    CHECK(count(db, "SELECT count(*) FROM runs WHERE status = 'error' AND error LIKE '%does not fit%'") >= 1);
    CHECK(count(db, "SELECT count(*) FROM runs WHERE status = 'ok' AND throughput_rps > 0") >= 1);
    CHECK(count(db, "SELECT count(*) FROM runs") == 4);
}

TEST_CASE("sweep with --store-requests stores one row per request", "[cli][sweep]") {
    TempDir tmp;
    const std::string spec = tmp.write("spec.json", R"({"base": {"num_requests": 25, "lengths": "fixed:128:16"},
        "grid": {"qps": [1, 2]}})");
    const std::string db = tmp.file("r.sqlite");
    REQUIRE(sweep(spec, db, {"--store-requests"}).exit_code == 0);
    CHECK(count(db, "SELECT count(*) FROM requests") == 50);
    CHECK(count(db,
                "SELECT count(*) FROM requests q JOIN runs r USING(run_key) WHERE q.status = 'completed' AND "
                "q.ttft_ms > 0") == count(db, "SELECT sum(completed) FROM runs"));
}

TEST_CASE("mpirun -np 2 stores the same rows as a threaded sweep", "[cli][sweep][mpi]") {
    std::string mpirun;
    for (const char* dir : {"/usr/bin", "/usr/local/bin"}) {
        if (std::filesystem::exists(std::string(dir) + "/mpirun")) mpirun = std::string(dir) + "/mpirun";
    }
    if (mpirun.empty()) {
        skip("mpirun not installed (Debian: openmpi-bin)");
        return;
    }
    TempDir tmp;
    const std::string spec = tmp.write("spec.json", kSpec);
    const std::string db = tmp.file("mpi.sqlite");
    const std::string out = tmp.file("mpi.out");
    const pid_t pid = spawn({mpirun, "-np", "2", "--oversubscribe", "--allow-run-as-root", llmsim_binary(), "sweep",
                             spec, "--db", db, "--threads", "1", "--quiet"},
                            out, out);
    int status = 0;
    waitpid(pid, &status, 0);
    const std::string text = read_text(out);
    INFO(text);
    if (text.find("built without MPI") != std::string::npos) {
        skip("this llmsim was built without MPI");
        return;
    }
    REQUIRE(WIFEXITED(status));
    REQUIRE(WEXITSTATUS(status) == 0);
    CHECK(text.find("12 simulated") != std::string::npos);
    REQUIRE(sweep(spec, tmp.file("threads.sqlite"), {"--threads", "2"}).exit_code == 0);
    CHECK(runs_dump(db) == runs_dump(tmp.file("threads.sqlite")));
}
