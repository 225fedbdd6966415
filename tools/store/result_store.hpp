#pragma once
// The SQLite result store of sweeps (and the planner): schema, the columns derived from the `run` settings table
// and the summary metrics, and the single writer's inserts. Schema in docs/store.md.
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/json_io.hpp"
#include "tools/store/sqlite_db.hpp"

namespace llmsim::tools::store {

// Bumped when a table or column changes meaning; columns added for new settings keep the version.
inline constexpr int kSchemaVersion = 1;

// One request of a stored run (--store-requests).
struct RequestRow {
    int64_t id = 0;
    int64_t replica = -1;
    double arrival_s = 0;
    int64_t prompt_tokens = 0;
    int64_t output_tokens = 0;
    std::string status;                       // completed | rejected | unfinished
    Cell ttft_ms, tpot_ms, e2e_ms, queue_ms;  // null unless completed (tpot: and more than one output token)
    int64_t preemptions = 0;
};

// A finished run as the writer stores it. Deterministic: no wall-clock figures.
struct RunRecord {
    std::string run_key;
    int64_t point = 0;    // index of the first sweep point with this key
    std::string status;   // ok | error
    std::string error;    // the message when status is error
    OrderedJson config;   // the resolved settings (`run --config` accepts it as is)
    OrderedJson summary;  // `run --json` less wall_s (null on error)
    std::vector<RequestRow> requests;
};

// A run found in the store by its key (the planner's cache).
struct StoredRun {
    std::string status;   // ok | error
    std::string error;    // the message when status is error
    OrderedJson summary;  // null on error
};

struct Column {
    std::string name;
    std::string sql_type;  // TEXT | INTEGER | REAL
    std::string pointer;   // JSON pointer into the config (settings) or the summary (metrics)
};
// Setting columns (one per `run` setting that changes results) and metric columns, in table order.
const std::vector<Column>& setting_columns();
const std::vector<Column>& metric_columns();
// The column of a setting key ("max-batch" -> "max_batch").
std::string setting_column(const std::string& key);

class ResultStore {
  public:
    // Opens (creating) the database in WAL mode and creates or extends the schema. A file that is not an llmsim
    // store, a newer schema version or a lock held too long is an InputError (exit 2) with the file untouched.
    explicit ResultStore(const std::string& path);

    // The sweep with this spec hash (created if new), its id; records its run keys (point order).
    int64_t begin_sweep(const std::string& spec_hash, const std::string& name, const std::string& command,
                        const std::string& spec_json, const std::vector<std::string>& swept_keys,
                        const std::vector<std::pair<std::string, int64_t>>& keys_and_points);
    // Adds runs to a sweep's membership (the planner learns its run keys as it goes); known members are kept.
    void add_members(int64_t sweep_id, const std::vector<std::pair<std::string, int64_t>>& keys_and_points);
    // The stored run with this key, if any.
    [[nodiscard]] std::optional<StoredRun> find(const std::string& run_key);
    // Keys of every run already stored (any sweep): they are not run again.
    [[nodiscard]] std::set<std::string> stored_keys();
    // Inserts runs (and their requests) in one transaction: committed runs survive a kill; a key already stored
    // is left as it is.
    void insert(int64_t sweep_id, const std::vector<RunRecord>& runs);
    // Runs of the sweep stored with status error, and the first one's message (in point order).
    [[nodiscard]] std::pair<int64_t, std::string> errors_of(int64_t sweep_id);
    // Writes the WAL back into the main file, so the file alone holds every committed run.
    void checkpoint();
    [[nodiscard]] Database& db() { return db_; }

  private:
    void create_schema();
    Database db_;
};

}  // namespace llmsim::tools::store
