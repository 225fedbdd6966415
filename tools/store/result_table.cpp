#include "tools/store/result_table.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "common/json_io.hpp"

namespace llmsim::tools::store {
namespace {

// Shortest text that reads back as the same value.
std::string cell_text(const Cell& c) {
    if (std::holds_alternative<std::monostate>(c)) return "";
    if (const auto* i = std::get_if<int64_t>(&c)) return std::to_string(*i);
    if (const auto* d = std::get_if<double>(&c)) return fmt::format("{}", *d);
    return std::get<std::string>(c);
}

std::string csv_field(const std::string& s) {
    if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
    std::string out = "\"";
    for (char ch : s) {
        if (ch == '"') out += '"';
        out += ch;
    }
    return out + "\"";
}

}  // namespace

ResultTable fetch_all(Statement& stmt) {
    ResultTable t;
    for (int i = 0; i < stmt.columns(); ++i)
        t.columns.push_back(stmt.column_name(i));
    while (stmt.step()) {
        std::vector<Cell> row;
        row.reserve(t.columns.size());
        for (int i = 0; i < stmt.columns(); ++i)
            row.push_back(stmt.cell(i));
        t.rows.push_back(std::move(row));
    }
    return t;
}

std::string to_csv(const ResultTable& t) {
    std::string out;
    for (size_t i = 0; i < t.columns.size(); ++i) {
        if (i > 0) out += ',';
        out += csv_field(t.columns[i]);
    }
    out += "\n";
    for (const auto& row : t.rows) {
        for (size_t i = 0; i < row.size(); ++i) {
            if (i > 0) out += ',';
            out += csv_field(cell_text(row[i]));
        }
        out += "\n";
    }
    return out;
}

std::string to_json(const ResultTable& t) {
    OrderedJson arr = OrderedJson::array();
    for (const auto& row : t.rows) {
        OrderedJson o = OrderedJson::object();
        for (size_t i = 0; i < row.size(); ++i) {
            const Cell& c = row[i];
            OrderedJson v;
            if (const auto* n = std::get_if<int64_t>(&c)) {
                v = *n;
            } else if (const auto* d = std::get_if<double>(&c)) {
                if (std::isfinite(*d)) v = *d;
            } else if (const auto* s = std::get_if<std::string>(&c)) {
                v = *s;
            }
            o[t.columns[i]] = v;
        }
        arr.push_back(std::move(o));
    }
    return arr.dump() + "\n";
}

std::string to_text(const ResultTable& t) {
    // Numbers right-aligned, text left-aligned; NULL printed as "null" so it differs from an empty string.
    std::vector<std::vector<std::string>> cells(t.rows.size());
    std::vector<size_t> width(t.columns.size());
    std::vector<bool> numeric(t.columns.size(), true);
    for (size_t i = 0; i < t.columns.size(); ++i)
        width[i] = t.columns[i].size();
    for (size_t r = 0; r < t.rows.size(); ++r) {
        for (size_t i = 0; i < t.rows[r].size(); ++i) {
            const Cell& c = t.rows[r][i];
            std::string s = std::holds_alternative<std::monostate>(c) ? "null" : cell_text(c);
            if (std::holds_alternative<std::string>(c)) numeric[i] = false;
            width[i] = std::max(width[i], s.size());
            cells[r].push_back(std::move(s));
        }
    }
    auto line = [&](const std::vector<std::string>& v) {
        std::string out;
        for (size_t i = 0; i < v.size(); ++i) {
            if (i) out += "  ";
            out += numeric[i] ? fmt::format("{:>{}}", v[i], width[i]) : fmt::format("{:<{}}", v[i], width[i]);
        }
        while (!out.empty() && out.back() == ' ')
            out.pop_back();
        return out + "\n";
    };
    std::string out = line(t.columns);
    std::vector<std::string> rule;
    for (size_t w : width)
        rule.emplace_back(w, '-');
    out += line(rule);
    for (const auto& row : cells)
        out += line(row);
    out += fmt::format("({} row{})\n", t.rows.size(), t.rows.size() == 1 ? "" : "s");
    return out;
}

}  // namespace llmsim::tools::store
