#pragma once
// A query result held in memory and its three printed forms: aligned text, CSV (RFC 4180) and JSON.
#include <string>
#include <vector>

#include "tools/store/sqlite_db.hpp"

namespace llmsim::tools::store {

struct ResultTable {
    std::vector<std::string> columns;
    std::vector<std::vector<Cell>> rows;
};

// Steps the statement to the end.
ResultTable fetch_all(Statement& stmt);

std::string to_text(const ResultTable& t);
std::string to_csv(const ResultTable& t);
// An array of objects keyed by column name; reals that are not finite become null.
std::string to_json(const ResultTable& t);

}  // namespace llmsim::tools::store
