// llmsim query: one read-only SQL statement over a result store, printed as a table, CSV or JSON.
#include <sqlite3.h>
#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <iostream>

#include "common/error.hpp"
#include "common/strings.hpp"
#include "tools/commands/commands.hpp"
#include "tools/store/result_table.hpp"
#include "tools/store/sqlite_db.hpp"
#include "tools/typed_options.hpp"

namespace llmsim::tools {
namespace {

struct QueryArgs {
    std::string db;
    std::string sql;
    bool csv = false;
    bool json = false;
};

// PRAGMAs that only read; any other (and any PRAGMA assignment) is refused.
bool read_only_pragma(const char* name, const char* arg) {
    static const char* const reads_with_arg[] = {"table_info", "table_xinfo",     "index_list",
                                                 "index_info", "index_xinfo",     "foreign_key_list",
                                                 "table_list", "integrity_check", "quick_check"};
    static const char* const reads[] = {"user_version",   "schema_version", "application_id", "page_count",
                                        "page_size",      "journal_mode",   "database_list",  "compile_options",
                                        "encoding",       "freelist_count", "function_list",  "pragma_list",
                                        "collation_list", "module_list"};
    if (name == nullptr) return false;
    for (const char* r : reads_with_arg) {
        if (std::strcmp(name, r) == 0) return true;
    }
    if (arg != nullptr) return false;
    for (const char* r : reads) {
        if (std::strcmp(name, r) == 0) return true;
    }
    return false;
}

// Defence beyond the read-only connection: ATTACH (which could name another file), DETACH and PRAGMAs that
// change settings are denied while the statement is prepared.
int authorize(void*, int action, const char* a, const char* b, const char*, const char*) {
    switch (action) {
        case SQLITE_ATTACH:
        case SQLITE_DETACH:
            return SQLITE_DENY;
        case SQLITE_PRAGMA:
            return read_only_pragma(a, b) ? SQLITE_OK : SQLITE_DENY;
        default:
            return SQLITE_OK;
    }
}

void query_command(const QueryArgs& a) {
    if (a.csv && a.json) throw UsageError("--csv", "give --csv or --json, not both");
    if (!is_regular_file_path(a.db)) throw UsageError("--db", "no such file: " + a.db);
    store::Database db(a.db, store::OpenMode::read_only);
    {
        // Reads the header and schema now: a file that is not a database fails even for "SELECT 1".
        store::Statement check = db.prepare("SELECT count(*) FROM sqlite_master");
        check.step();
    }
    sqlite3_set_authorizer(db.handle(), authorize, nullptr);
    store::Statement stmt = db.prepare(a.sql);
    if (!stmt.read_only()) {
        throw UsageError("SQL", "only read-only statements are allowed (the database is opened read-only): " + a.sql);
    }
    const store::ResultTable t = store::fetch_all(stmt);
    if (a.json) {
        std::cout << store::to_json(t);
    } else if (a.csv) {
        std::cout << store::to_csv(t);
    } else {
        std::cout << store::to_text(t);
    }
}

}  // namespace

void add_query_command(CLI::App& root) {
    auto a = std::make_shared<QueryArgs>();
    CLI::App* cmd = root.add_subcommand("query", "run one read-only SQL statement over a result store");
    cmd->add_option("--db", a->db, "SQLite result store (opened read-only)")->required()->check(non_empty_path());
    cmd->add_option("sql", a->sql, "one SELECT (or read-only PRAGMA) statement")->required();
    cmd->add_flag("--csv", a->csv, "print CSV");
    cmd->add_flag("--json", a->json, "print a JSON array of row objects");
    cmd->callback([a]() { query_command(*a); });
}

}  // namespace llmsim::tools
