#pragma once
// A small RAII layer over the SQLite C API: a connection, prepared statements and a transaction guard. Every SQLite
// failure becomes a typed error naming the database file and, for SQL, the statement (exit 2: bad input).
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

struct sqlite3;
struct sqlite3_stmt;

namespace llmsim::tools::store {

// One cell of a result row: NULL, integer, real, or text (blobs are returned as text).
using Cell = std::variant<std::monostate, int64_t, double, std::string>;

enum class OpenMode { read_write_create, read_only };

class Statement;

class Database {
  public:
    // read_only opens with SQLITE_OPEN_READONLY (never creates the file); read_write_create creates it if missing.
    // `busy_timeout_ms`: how long a statement waits for another connection's lock before failing.
    Database(const std::string& path, OpenMode mode, int busy_timeout_ms = 5000);
    ~Database();
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    // Runs SQL without results (one or more statements).
    void exec(const std::string& sql);
    [[nodiscard]] Statement prepare(const std::string& sql);
    [[nodiscard]] const std::string& path() const { return path_; }
    [[nodiscard]] sqlite3* handle() const { return db_; }
    // Throws InputError naming the file (and `sql` when given) with SQLite's message for result code `rc`.
    [[noreturn]] void fail(int rc, const std::string& sql = "") const;

  private:
    std::string path_;
    sqlite3* db_ = nullptr;
};

class Statement {
  public:
    Statement(Database& db, sqlite3_stmt* stmt, std::string sql) : db_(&db), stmt_(stmt), sql_(std::move(sql)) {}
    ~Statement();
    Statement(Statement&& o) noexcept;
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;
    Statement& operator=(Statement&&) = delete;

    void bind(int index, const Cell& value);  // 1-based, as SQLite numbers parameters
    // Steps once: true while a row is available.
    bool step();
    void reset();
    [[nodiscard]] int columns() const;
    [[nodiscard]] std::string column_name(int i) const;
    [[nodiscard]] Cell cell(int i) const;
    [[nodiscard]] bool read_only() const;
    [[nodiscard]] sqlite3_stmt* handle() const { return stmt_; }
    [[nodiscard]] const std::string& sql() const { return sql_; }

  private:
    Database* db_;
    sqlite3_stmt* stmt_;
    std::string sql_;
};

// Commits at commit(); rolls back if destroyed before (an exception left the block).
class Transaction {
  public:
    explicit Transaction(Database& db, bool immediate = true);
    ~Transaction();
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    void commit();

  private:
    Database& db_;
    bool open_ = true;
};

}  // namespace llmsim::tools::store
