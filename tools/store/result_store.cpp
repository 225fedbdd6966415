#include "tools/store/result_store.hpp"

#include <sqlite3.h>

#include <cmath>

#include "common/error.hpp"
#include "tools/run_config.hpp"

namespace llmsim::tools::store {
namespace {

// Settings that choose where a single run writes or prints, not what it computes.
bool output_only(const std::string& key) {
    return key == "out" || key == "chrome-trace" || key == "json";
}

std::string sql_type(SettingKind kind) {
    switch (kind) {
        case SettingKind::integer:
        case SettingKind::flag:
            return "INTEGER";
        case SettingKind::number:
        case SettingKind::qps:
            return "REAL";
        case SettingKind::text:
            break;
    }
    return "TEXT";
}

// JSON scalar -> cell; infinities (qps inf) stay text so they survive JSON and CSV export.
Cell cell_of(const OrderedJson& v) {
    if (v.is_null()) return std::monostate{};
    if (v.is_boolean()) return static_cast<int64_t>(v.get<bool>() ? 1 : 0);
    if (v.is_number_integer()) return v.get<int64_t>();
    if (v.is_number()) return v.get<double>();
    if (v.is_string()) return v.get<std::string>();
    return v.dump();
}

Cell at_pointer(const OrderedJson& j, const std::string& pointer) {
    const OrderedJson::json_pointer p(pointer);
    if (j.is_null() || !j.contains(p)) return std::monostate{};
    return cell_of(j.at(p));
}

void insert_members(Database& db, int64_t sweep_id,
                    const std::vector<std::pair<std::string, int64_t>>& keys_and_points) {
    Statement member = db.prepare("INSERT OR IGNORE INTO sweep_runs(sweep_id, run_key, point) VALUES(?, ?, ?)");
    for (const auto& [key, point] : keys_and_points) {
        member.reset();
        member.bind(1, sweep_id);
        member.bind(2, key);
        member.bind(3, point);
        member.step();
    }
}

void create_index(Database& db, const std::string& column) {
    db.exec("CREATE INDEX IF NOT EXISTS runs_by_" + column + " ON runs(" + column + ")");
}

}  // namespace

std::string setting_column(const std::string& key) {
    std::string c = key;
    for (char& ch : c) {
        if (ch == '-') ch = '_';
    }
    return c;
}

const std::vector<Column>& setting_columns() {
    static const std::vector<Column> cols = [] {
        std::vector<Column> out;
        for (const auto& s : run_settings()) {
            if (output_only(s.key)) continue;
            out.push_back({setting_column(s.key), sql_type(s.kind), "/" + s.key});
        }
        return out;
    }();
    return cols;
}

const std::vector<Column>& metric_columns() {
    static const std::vector<Column> cols = [] {
        std::vector<Column> out = {
            {"requests", "INTEGER", "/requests"},
            {"completed", "INTEGER", "/completed"},
            {"rejected", "INTEGER", "/rejected"},
            {"sim_duration_s", "REAL", "/sim_duration_s"},
            {"throughput_rps", "REAL", "/throughput_rps"},
            {"output_tokens_per_s", "REAL", "/output_tokens_per_s"},
            {"input_tokens_per_s", "REAL", "/input_tokens_per_s"},
        };
        for (const char* d : {"ttft_ms", "tpot_ms", "e2e_ms", "queue_ms"}) {
            for (const char* q : {"mean", "p50", "p90", "p99", "max"}) {
                out.push_back({std::string(d) + "_" + q, "REAL", std::string("/") + d + "/" + q});
            }
        }
        const std::vector<Column> rest = {
            {"preemptions", "INTEGER", "/preemptions"},
            {"slo_attainment", "REAL", "/slo_attainment"},
            {"goodput_rps", "REAL", "/goodput_rps"},
            {"output_tokens_per_s_per_gpu", "REAL", "/output_tokens_per_s_per_gpu"},
            {"gpus", "INTEGER", "/deployment/gpus"},
            {"gpu_hours", "REAL", "/gpu_hours"},
            {"cost_usd_per_hour", "REAL", "/cost_usd_per_hour"},
            {"cost_usd_per_mtok", "REAL", "/cost_usd_per_mtok"},
            {"kv_blocks_per_replica", "INTEGER", "/kv_cache/blocks_per_replica"},
            {"kv_peak_utilization", "REAL", "/kv_cache/peak_utilization"},
            {"iterations", "INTEGER", "/batches/iterations"},
            {"mean_batch_seqs", "REAL", "/batches/mean_batch_seqs"},
            {"mean_batch_tokens", "REAL", "/batches/mean_batch_tokens"},
            {"pipeline_bubble_fraction", "REAL", "/pipeline_bubble_fraction"},
            {"prefix_cache_hit_rate", "REAL", "/prefix_cache/hit_rate"},
            {"sim_events", "INTEGER", "/sim_events"},
        };
        out.insert(out.end(), rest.begin(), rest.end());
        return out;
    }();
    return cols;
}

ResultStore::ResultStore(const std::string& path) : db_(path, OpenMode::read_write_create) {
    // The first statements read the header: a file that is not a database fails here, before anything is written.
    {
        Statement v = db_.prepare("PRAGMA user_version");
        v.step();
    }
    db_.exec("PRAGMA journal_mode=WAL");
    // WAL with synchronous=NORMAL: a commit survives the process being killed (not a power cut, which may lose
    // the last commits but never corrupts the file).
    db_.exec("PRAGMA synchronous=NORMAL");
    create_schema();
}

void ResultStore::create_schema() {
    Transaction tx(db_);
    {
        Statement t = db_.prepare("SELECT count(*) FROM sqlite_master WHERE type='table' AND name='meta'");
        t.step();
        if (std::get<int64_t>(t.cell(0)) == 1) {
            Statement v = db_.prepare("SELECT value FROM meta WHERE key='schema_version'");
            if (!v.step()) throw InputError(db_.path(), "has a meta table without schema_version: not an llmsim store");
            const Cell c = v.cell(0);
            const std::string text = std::holds_alternative<std::string>(c) ? std::get<std::string>(c) : "";
            if (text != std::to_string(kSchemaVersion)) {
                throw InputError(db_.path(), "result store schema version " + text + " (this llmsim writes version " +
                                                 std::to_string(kSchemaVersion) + ")");
            }
        } else {
            Statement any = db_.prepare("SELECT count(*) FROM sqlite_master");
            any.step();
            if (std::get<int64_t>(any.cell(0)) != 0) {
                throw InputError(db_.path(), "is a SQLite database but not an llmsim result store (no meta table)");
            }
        }
    }
    db_.exec("CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL)");
    db_.exec("INSERT OR IGNORE INTO meta(key, value) VALUES('schema_version', '" + std::to_string(kSchemaVersion) +
             "')");
    db_.exec(
        "CREATE TABLE IF NOT EXISTS sweeps(sweep_id INTEGER PRIMARY KEY, spec_hash TEXT NOT NULL UNIQUE, name TEXT, "
        "command TEXT NOT NULL, spec_json TEXT NOT NULL, swept_keys TEXT NOT NULL, runs_total INTEGER NOT NULL, "
        "created_at TEXT NOT NULL)");
    db_.exec(
        "CREATE TABLE IF NOT EXISTS sweep_runs(sweep_id INTEGER NOT NULL REFERENCES sweeps(sweep_id), "
        "run_key TEXT NOT NULL, point INTEGER NOT NULL, PRIMARY KEY(sweep_id, run_key))");
    std::string runs =
        "CREATE TABLE IF NOT EXISTS runs(run_key TEXT PRIMARY KEY, sweep_id INTEGER NOT NULL REFERENCES "
        "sweeps(sweep_id), point INTEGER NOT NULL, command TEXT NOT NULL, status TEXT NOT NULL, error TEXT, "
        "config_json TEXT NOT NULL, summary_json TEXT";
    for (const auto* cols : {&setting_columns(), &metric_columns()}) {
        for (const auto& c : *cols)
            runs += ", " + c.name + " " + c.sql_type;
    }
    db_.exec(runs + ")");
    // Settings added to llmsim after the store was created get their column now (the schema version stays).
    std::set<std::string> have;
    {
        Statement info = db_.prepare("PRAGMA table_info(runs)");
        while (info.step())
            have.insert(std::get<std::string>(info.cell(1)));
    }
    for (const auto* cols : {&setting_columns(), &metric_columns()}) {
        for (const auto& c : *cols) {
            if (have.count(c.name) == 0) db_.exec("ALTER TABLE runs ADD COLUMN " + c.name + " " + c.sql_type);
        }
    }
    create_index(db_, "sweep_id");
    db_.exec(
        "CREATE TABLE IF NOT EXISTS requests(run_key TEXT NOT NULL REFERENCES runs(run_key), id INTEGER NOT NULL, "
        "replica INTEGER, arrival_s REAL, prompt_tokens INTEGER, output_tokens INTEGER, status TEXT, ttft_ms REAL, "
        "tpot_ms REAL, e2e_ms REAL, queue_ms REAL, preemptions INTEGER, PRIMARY KEY(run_key, id)) WITHOUT ROWID");
    tx.commit();
}

int64_t ResultStore::begin_sweep(const std::string& spec_hash, const std::string& name, const std::string& command,
                                 const std::string& spec_json, const std::vector<std::string>& swept_keys,
                                 const std::vector<std::pair<std::string, int64_t>>& keys_and_points) {
    Transaction tx(db_);
    int64_t id = -1;
    {
        Statement find = db_.prepare("SELECT sweep_id FROM sweeps WHERE spec_hash = ?");
        find.bind(1, spec_hash);
        if (find.step()) id = std::get<int64_t>(find.cell(0));
    }
    if (id < 0) {
        OrderedJson keys = OrderedJson::array();
        for (const auto& k : swept_keys)
            keys.push_back(setting_column(k));
        Statement ins = db_.prepare(
            "INSERT INTO sweeps(spec_hash, name, command, spec_json, swept_keys, runs_total, created_at) "
            "VALUES(?, ?, ?, ?, ?, ?, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))");
        ins.bind(1, spec_hash);
        ins.bind(2, name.empty() ? Cell{} : Cell{name});
        ins.bind(3, command);
        ins.bind(4, spec_json);
        ins.bind(5, keys.dump());
        ins.bind(6, static_cast<int64_t>(keys_and_points.size()));
        ins.step();
        id = sqlite3_last_insert_rowid(db_.handle());
        insert_members(db_, id, keys_and_points);
    }
    for (const auto& k : swept_keys)
        create_index(db_, setting_column(k));
    tx.commit();
    return id;
}

void ResultStore::add_members(int64_t sweep_id, const std::vector<std::pair<std::string, int64_t>>& keys_and_points) {
    Transaction tx(db_);
    insert_members(db_, sweep_id, keys_and_points);
    tx.commit();
}

std::optional<StoredRun> ResultStore::find(const std::string& run_key) {
    Statement s = db_.prepare("SELECT status, error, summary_json FROM runs WHERE run_key = ?");
    s.bind(1, run_key);
    if (!s.step()) return std::nullopt;
    StoredRun r;
    r.status = std::get<std::string>(s.cell(0));
    const Cell error = s.cell(1);
    if (const auto* t = std::get_if<std::string>(&error)) r.error = *t;
    const Cell summary = s.cell(2);
    if (const auto* t = std::get_if<std::string>(&summary)) r.summary = OrderedJson::parse(*t);
    return r;
}

std::set<std::string> ResultStore::stored_keys() {
    std::set<std::string> keys;
    Statement s = db_.prepare("SELECT run_key FROM runs");
    while (s.step())
        keys.insert(std::get<std::string>(s.cell(0)));
    return keys;
}

void ResultStore::insert(int64_t sweep_id, const std::vector<RunRecord>& records) {
    if (records.empty()) return;
    std::string cols = "run_key, sweep_id, point, command, status, error, config_json, summary_json";
    std::string params = "?, ?, ?, ?, ?, ?, ?, ?";
    for (const auto* cs : {&setting_columns(), &metric_columns()}) {
        for (const auto& c : *cs) {
            cols += ", " + c.name;
            params += ", ?";
        }
    }
    Transaction tx(db_);
    Statement ins = db_.prepare("INSERT OR IGNORE INTO runs(" + cols + ") VALUES(" + params + ")");
    Statement req = db_.prepare(
        "INSERT OR IGNORE INTO requests(run_key, id, replica, arrival_s, prompt_tokens, output_tokens, status, "
        "ttft_ms, tpot_ms, e2e_ms, queue_ms, preemptions) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    for (const auto& r : records) {
        ins.reset();
        int i = 1;
        ins.bind(i++, r.run_key);
        ins.bind(i++, sweep_id);
        ins.bind(i++, r.point);
        ins.bind(i++, std::string("run"));
        ins.bind(i++, r.status);
        ins.bind(i++, r.error.empty() ? Cell{} : Cell{r.error});
        ins.bind(i++, r.config.dump());
        ins.bind(i++, r.summary.is_null() ? Cell{} : Cell{r.summary.dump()});
        for (const auto& c : setting_columns())
            ins.bind(i++, at_pointer(r.config, c.pointer));
        for (const auto& c : metric_columns())
            ins.bind(i++, at_pointer(r.summary, c.pointer));
        ins.step();
        for (const auto& q : r.requests) {
            req.reset();
            req.bind(1, r.run_key);
            req.bind(2, q.id);
            req.bind(3, q.replica);
            req.bind(4, q.arrival_s);
            req.bind(5, q.prompt_tokens);
            req.bind(6, q.output_tokens);
            req.bind(7, q.status);
            req.bind(8, q.ttft_ms);
            req.bind(9, q.tpot_ms);
            req.bind(10, q.e2e_ms);
            req.bind(11, q.queue_ms);
            req.bind(12, q.preemptions);
            req.step();
        }
    }
    tx.commit();
}

std::pair<int64_t, std::string> ResultStore::errors_of(int64_t sweep_id) {
    Statement s = db_.prepare(
        "SELECT r.error FROM sweep_runs m JOIN runs r ON r.run_key = m.run_key WHERE m.sweep_id = ? AND "
        "r.status = 'error' ORDER BY m.point");
    s.bind(1, sweep_id);
    std::pair<int64_t, std::string> out{0, ""};
    while (s.step()) {
        if (out.first++ == 0) {
            const Cell c = s.cell(0);
            if (const auto* t = std::get_if<std::string>(&c)) out.second = *t;
        }
    }
    return out;
}

void ResultStore::checkpoint() {
    db_.exec("PRAGMA wal_checkpoint(TRUNCATE)");
}

}  // namespace llmsim::tools::store
