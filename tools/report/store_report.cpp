#include "tools/report/store_report.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>

#include "common/error.hpp"
#include "common/json_io.hpp"
#include "tools/plan/pareto.hpp"
#include "tools/store/sqlite_db.hpp"

namespace llmsim::tools {
namespace {

using store::Cell;
using store::Database;
using store::Statement;

// Metrics charted against each axis, as (column, label).
const std::vector<std::pair<std::string, std::string>> kAxisMetrics = {
    {"throughput_rps", "throughput (req/s)"}, {"output_tokens_per_s_per_gpu", "output tokens/s per GPU"},
    {"ttft_ms_p90", "TTFT p90 (ms)"},         {"tpot_ms_p90", "TPOT p90 (ms)"},
    {"e2e_ms_p90", "E2E p90 (ms)"},           {"cost_usd_per_mtok", "USD per million output tokens"},
};

struct SweepInfo {
    int64_t id = 0;
    std::string name;
    std::string command;
    std::vector<std::string> axes;
    int64_t runs_total = 0;
};

std::string cell_text(const Cell& c) {
    if (std::holds_alternative<int64_t>(c)) return std::to_string(std::get<int64_t>(c));
    if (std::holds_alternative<double>(c)) return fmt::format("{:g}", std::get<double>(c));
    if (std::holds_alternative<std::string>(c)) return std::get<std::string>(c);
    return "null";
}

std::optional<double> cell_number(const Cell& c) {
    if (std::holds_alternative<int64_t>(c)) return static_cast<double>(std::get<int64_t>(c));
    if (std::holds_alternative<double>(c)) return std::get<double>(c);
    return std::nullopt;
}

std::vector<SweepInfo> find_sweeps(Database& db, const std::optional<std::string>& wanted) {
    {
        Statement t = db.prepare("SELECT count(*) FROM sqlite_master WHERE type='table' AND name='sweeps'");
        t.step();
        if (std::get<int64_t>(t.cell(0)) == 0)
            throw InputError(db.path(), "is not an llmsim result store (no sweeps table; write one with llmsim sweep)");
    }
    Statement s = db.prepare("SELECT sweep_id, name, command, swept_keys, runs_total FROM sweeps ORDER BY sweep_id");
    std::vector<SweepInfo> all;
    std::vector<std::string> names;
    while (s.step()) {
        SweepInfo w;
        w.id = std::get<int64_t>(s.cell(0));
        w.name = std::holds_alternative<std::string>(s.cell(1)) ? std::get<std::string>(s.cell(1)) : "";
        w.command = cell_text(s.cell(2));
        for (const auto& k : parse_json_text(cell_text(s.cell(3)), db.path() + " sweeps.swept_keys"))
            w.axes.push_back(k.get<std::string>());
        w.runs_total = std::get<int64_t>(s.cell(4));
        names.push_back(std::to_string(w.id) + (w.name.empty() ? "" : " (" + w.name + ")"));
        all.push_back(std::move(w));
    }
    if (all.empty()) throw InputError(db.path(), "holds no sweep (run llmsim sweep or llmsim plan --db first)");
    if (!wanted) return all;
    for (const auto& w : all) {
        if (std::to_string(w.id) == *wanted || (!w.name.empty() && w.name == *wanted)) return {w};
    }
    std::string list;
    for (const auto& n : names)
        list += (list.empty() ? "" : ", ") + n;
    throw InputError(db.path(), "has no sweep '" + *wanted + "' (--sweep takes an id or name; it has: " + list + ")");
}

struct Row {
    std::map<std::string, Cell> cells;  // axis and metric columns
};

std::vector<Row> sweep_rows(Database& db, const SweepInfo& w, int64_t& errors) {
    std::vector<std::string> cols = w.axes;
    for (const auto& [m, label] : kAxisMetrics)
        cols.push_back(m);
    std::string sql = "SELECT r.status";
    for (const auto& c : cols)
        sql += ", r.\"" + c + "\"";
    sql += " FROM runs r JOIN sweep_runs s ON s.run_key = r.run_key WHERE s.sweep_id = ? ORDER BY s.point";
    Statement s = db.prepare(sql);
    s.bind(1, w.id);
    std::vector<Row> rows;
    errors = 0;
    while (s.step()) {
        if (cell_text(s.cell(0)) != "ok") {
            ++errors;
            continue;
        }
        Row r;
        for (size_t i = 0; i < cols.size(); ++i)
            r.cells[cols[i]] = s.cell(static_cast<int>(i + 1));
        rows.push_back(std::move(r));
    }
    return rows;
}

// Metric-vs-axis charts: x is the axis (numeric, or categories in first-seen order), one series per combination
// of the other axes.
std::vector<Chart> axis_charts(const SweepInfo& w, const std::vector<Row>& rows) {
    std::vector<Chart> charts;
    for (const auto& axis : w.axes) {
        bool numeric = true;
        std::vector<std::string> categories;
        for (const auto& r : rows) {
            const Cell& c = r.cells.at(axis);
            if (!cell_number(c)) numeric = false;
            const std::string t = cell_text(c);
            if (std::find(categories.begin(), categories.end(), t) == categories.end()) categories.push_back(t);
        }
        for (const auto& [metric, label] : kAxisMetrics) {
            std::map<std::string, std::vector<std::pair<double, double>>> groups;
            std::vector<std::string> order;
            for (const auto& r : rows) {
                const auto y = cell_number(r.cells.at(metric));
                if (!y) continue;
                std::string key;
                for (const auto& other : w.axes) {
                    if (other == axis) continue;
                    key += (key.empty() ? "" : ", ") + other + "=" + cell_text(r.cells.at(other));
                }
                const Cell& c = r.cells.at(axis);
                const double x =
                    numeric ? *cell_number(c)
                            : static_cast<double>(std::find(categories.begin(), categories.end(), cell_text(c)) -
                                                  categories.begin());
                if (!groups.count(key)) order.push_back(key);
                groups[key].emplace_back(x, *y);
            }
            if (groups.empty()) continue;  // a metric the sweep never produced (no price, no SLO)
            Chart c{label + " vs " + axis, axis, label, {}, true, numeric ? std::vector<std::string>{} : categories};
            // Many combinations would make an unreadable legend: then every run is one point.
            const bool lines = order.size() <= 7;
            if (!lines) c.series.push_back({fmt::format("{} runs", rows.size()), {}, {}, SeriesStyle::points});
            for (const auto& key : order) {
                auto pts = groups[key];
                std::stable_sort(pts.begin(), pts.end(), [](auto& a, auto& b) { return a.first < b.first; });
                ChartSeries& s = lines ? c.series.emplace_back() : c.series.front();
                if (lines) {
                    s.name = key.empty() ? label : key;
                    s.style = pts.size() == 1 ? SeriesStyle::points : SeriesStyle::line;
                }
                for (const auto& [x, y] : pts) {
                    s.x.push_back(x);
                    s.y.push_back(y);
                }
            }
            charts.push_back(std::move(c));
        }
    }
    return charts;
}

std::optional<Chart> pareto_chart(const std::vector<Row>& rows) {
    std::vector<ParetoPoint> pts;
    for (const auto& r : rows) {
        const auto tput = cell_number(r.cells.at("output_tokens_per_s_per_gpu"));
        const auto lat = cell_number(r.cells.at("e2e_ms_p90"));
        if (tput && lat) pts.push_back({*tput, *lat});
    }
    if (pts.empty()) return std::nullopt;
    ChartSeries all{fmt::format("{} runs", pts.size()), {}, {}, SeriesStyle::points};
    for (const auto& p : pts) {
        all.x.push_back(p.latency_ms);
        all.y.push_back(p.throughput);
    }
    ChartSeries front{"Pareto front", {}, {}, SeriesStyle::line};
    for (size_t i : pareto_front(pts)) {
        front.x.push_back(pts[i].latency_ms);
        front.y.push_back(pts[i].throughput);
    }
    return Chart{"Pareto front: throughput per GPU against latency",
                 "E2E p90 (ms)",
                 "output tokens/s per GPU",
                 {all, front},
                 true,
                 {}};
}

}  // namespace

HtmlPage store_report_page(const std::string& db_path, const std::optional<std::string>& sweep) {
    if (!std::filesystem::is_regular_file(db_path))
        throw InputError(db_path, "no such result store (expected a SQLite file written by llmsim sweep or plan)");
    Database db(db_path, store::OpenMode::read_only);
    HtmlPage page;
    page.title = "llmsim sweep report: " + db_path;
    for (const SweepInfo& w : find_sweeps(db, sweep)) {
        int64_t errors = 0;
        const std::vector<Row> rows = sweep_rows(db, w, errors);
        HtmlSection s;
        s.heading = fmt::format("Sweep {}{}", w.id, w.name.empty() ? "" : ": " + w.name);
        std::string axes;
        for (const auto& a : w.axes)
            axes += (axes.empty() ? "" : ", ") + a;
        s.facts = {{"command", w.command},
                   {"swept axes", axes.empty() ? "(none)" : axes},
                   {"runs", fmt::format("{} stored ok, {} failed, {} in the spec", rows.size(), errors, w.runs_total)}};
        if (rows.empty()) s.notes.push_back("No finished run of this sweep is stored yet.");
        s.charts = axis_charts(w, rows);
        if (auto p = pareto_chart(rows)) s.charts.push_back(std::move(*p));
        page.sections.push_back(std::move(s));
    }
    return page;
}

}  // namespace llmsim::tools
