#include "tools/report/run_report.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>

#include "common/csv.hpp"
#include "common/error.hpp"
#include "common/json_io.hpp"

namespace llmsim::tools {
namespace {

constexpr int kTimePoints = 200;  // samples of a time series derived from requests.csv

struct RequestColumns {
    std::vector<double> ttft_ms, tpot_ms, e2e_ms;
    std::vector<double> arrival_s, scheduled_s, finish_s;  // completed requests only
};

RequestColumns read_requests(const std::string& path) {
    CsvReader csv(path);
    const size_t status = csv.require_column("status");
    const size_t arrival = csv.require_column("arrival_s");
    const size_t scheduled = csv.require_column("first_scheduled_s");
    const size_t finish = csv.require_column("finish_s");
    const size_t ttft = csv.require_column("ttft_ms");
    const size_t tpot = csv.require_column("tpot_ms");
    const size_t e2e = csv.require_column("e2e_ms");
    RequestColumns r;
    while (csv.next()) {
        if (csv.field(status) != "completed") continue;
        r.ttft_ms.push_back(csv.get_nonneg_double(ttft));
        if (!csv.field(tpot).empty()) r.tpot_ms.push_back(csv.get_nonneg_double(tpot));
        r.e2e_ms.push_back(csv.get_nonneg_double(e2e));
        r.arrival_s.push_back(csv.get_nonneg_double(arrival));
        r.scheduled_s.push_back(csv.get_nonneg_double(scheduled));
        r.finish_s.push_back(csv.get_nonneg_double(finish));
    }
    return r;
}

// Empirical CDF as a step series: x sorted, y = share of values <= x.
ChartSeries cdf_series(std::vector<double> values) {
    std::sort(values.begin(), values.end());
    ChartSeries s;
    s.style = SeriesStyle::step;
    const auto n = static_cast<double>(values.size());
    if (!values.empty()) {
        s.x.push_back(values.front());
        s.y.push_back(0);
    }
    for (size_t i = 0; i < values.size(); ++i) {
        // Ties collapse to their top step, and long runs thin out to at most ~1000 points (the page stays small).
        if (i + 1 < values.size() && values[i + 1] == values[i]) continue;
        if (values.size() > 1000 && i + 1 < values.size() && i % (values.size() / 1000) != 0) continue;
        s.x.push_back(values[i]);
        s.y.push_back(static_cast<double>(i + 1) / n);
    }
    return s;
}

Chart cdf_chart(const std::string& metric, const std::vector<double>& values) {
    Chart c{metric + " CDF", metric + " (ms)", "share of completed requests", {cdf_series(values)}, true, {}};
    c.series.front().name = fmt::format("{} requests", values.size());
    return c;
}

// Number of sorted `v` at or below t.
double count_le(const std::vector<double>& v, double t) {
    return static_cast<double>(std::upper_bound(v.begin(), v.end(), t) - v.begin());
}

std::vector<Chart> request_time_charts(RequestColumns r) {
    std::sort(r.arrival_s.begin(), r.arrival_s.end());
    std::sort(r.scheduled_s.begin(), r.scheduled_s.end());
    std::sort(r.finish_s.begin(), r.finish_s.end());
    const double end = r.finish_s.empty() ? 0 : r.finish_s.back();
    const double step = end / kTimePoints;
    ChartSeries waiting{"waiting (arrived, not yet scheduled)", {}, {}, SeriesStyle::line};
    ChartSeries running{"running (scheduled, not finished)", {}, {}, SeriesStyle::line};
    ChartSeries done{"completed requests/s", {}, {}, SeriesStyle::step};
    if (step > 0) {
        for (int i = 0; i <= kTimePoints; ++i) {
            const double t = i * step;
            waiting.x.push_back(t);
            waiting.y.push_back(count_le(r.arrival_s, t) - count_le(r.scheduled_s, t));
            running.x.push_back(t);
            running.y.push_back(count_le(r.scheduled_s, t) - count_le(r.finish_s, t));
            if (i > 0) {
                done.x.push_back(t);
                done.y.push_back((count_le(r.finish_s, t) - count_le(r.finish_s, t - step)) / step);
            }
        }
    }
    return {Chart{"Queue length over time", "simulated time (s)", "requests", {waiting, running}, true, {}},
            Chart{"Throughput over time", "simulated time (s)", "completed requests/s", {done}, true, {}}};
}

struct TimelineColumns {
    std::map<int64_t, ChartSeries> util, batch, kv_mean, kv_peak, tokens;  // by pool
};

std::vector<Chart> timeline_charts(const std::string& path) {
    CsvReader csv(path);
    const size_t t0 = csv.require_column("t_start_s");
    const size_t t1 = csv.require_column("t_end_s");
    const size_t pool = csv.require_column("pool");
    const size_t iterations = csv.require_column("iterations");
    const size_t seqs = csv.require_column("mean_batch_seqs");
    const size_t tokens = csv.require_column("output_tokens_per_s");
    const size_t util = csv.require_column("utilization");
    const size_t kv_mean = csv.require_column("kv_used_mean");
    const size_t kv_peak = csv.require_column("kv_used_peak");
    TimelineColumns c;
    while (csv.next()) {
        const int64_t p = csv.get_nonneg_int(pool);
        const double t = 0.5 * (csv.get_nonneg_double(t0) + csv.get_nonneg_double(t1));
        auto add = [&](std::map<int64_t, ChartSeries>& m, double y) {
            ChartSeries& s = m[p];
            s.name = fmt::format("pool {}", p);
            s.x.push_back(t);
            s.y.push_back(y);
        };
        add(c.util, 100 * csv.get_nonneg_double(util));
        add(c.tokens, csv.get_nonneg_double(tokens));
        // Bins without a step have no batch or KV sample: a gap, not a zero.
        const bool sampled = csv.get_nonneg_int(iterations) > 0;
        const double nan = std::nan("");
        add(c.batch, sampled ? csv.get_nonneg_double(seqs) : nan);
        add(c.kv_mean, sampled ? 100 * csv.get_nonneg_double(kv_mean) : nan);
        add(c.kv_peak, sampled ? 100 * csv.get_nonneg_double(kv_peak) : nan);
    }
    auto all = [](const std::map<int64_t, ChartSeries>& m, const std::string& suffix) {
        std::vector<ChartSeries> out;
        for (const auto& [p, s] : m) {
            out.push_back(s);
            out.back().name += suffix;
        }
        return out;
    };
    std::vector<ChartSeries> kv = all(c.kv_mean, " mean");
    for (auto& s : all(c.kv_peak, " peak"))
        kv.push_back(std::move(s));
    return {Chart{"Output tokens per second", "simulated time (s)", "output tokens/s", all(c.tokens, ""), true, {}},
            Chart{"Batch size over time", "simulated time (s)", "mean sequences per step", all(c.batch, ""), true, {}},
            Chart{"KV cache use over time", "simulated time (s)", "% of KV blocks in use", kv, true, {}},
            Chart{"Utilisation per pool", "simulated time (s)", "% of replica time busy", all(c.util, ""), true, {}}};
}

std::string num(const Json& j, const char* fmt_spec) {
    if (!j.is_number()) return "n/a";
    return fmt::format(fmt::runtime(fmt_spec), j.get<double>());
}

}  // namespace

HtmlPage run_report_page(const std::string& run_dir) {
    namespace fs = std::filesystem;
    if (!fs::is_directory(run_dir))
        throw InputError(run_dir, "is not a directory (expected an `llmsim run --out` folder)");
    for (const char* f : {"summary.json", "requests.csv"}) {
        if (!fs::is_regular_file(fs::path(run_dir) / f)) {
            throw InputError(run_dir, std::string("holds no llmsim run: ") + f +
                                          " is missing (expected a folder written by `llmsim run --out DIR`)");
        }
    }
    const std::string summary_path = (fs::path(run_dir) / "summary.json").string();
    const Json summary = load_json_file(summary_path);
    if (!summary.is_object()) throw InputError(summary_path, "expected the JSON object `llmsim run --out` writes");
    const Json& dep = summary.contains("deployment") ? summary["deployment"] : Json::object();
    auto text = [&](const char* key) { return dep.contains(key) ? dep[key].dump() : std::string("?"); };

    HtmlPage page;
    page.title = "llmsim run report: " + run_dir;
    page.subtitle =
        fmt::format("model {} on {} x{} (tp={} pp={}), engine {}, scheduler {}", text("model"), text("hardware"),
                    text("gpus"), text("tp"), text("pp"), text("engine"), text("scheduler"));
    HtmlSection overview{"Summary", {}, {}, {}};
    auto q = [&](const char* d) {
        const Json& m = summary.value(d, Json::object());
        return fmt::format("mean {} / p50 {} / p90 {} / p99 {} ms", num(m.value("mean", Json()), "{:.2f}"),
                           num(m.value("p50", Json()), "{:.2f}"), num(m.value("p90", Json()), "{:.2f}"),
                           num(m.value("p99", Json()), "{:.2f}"));
    };
    overview.facts = {
        {"requests", fmt::format("{} ({} completed, {} rejected)", summary.value("requests", Json()).dump(),
                                 summary.value("completed", Json()).dump(), summary.value("rejected", Json()).dump())},
        {"throughput", num(summary.value("throughput_rps", Json()), "{:.3f}") + " req/s, " +
                           num(summary.value("output_tokens_per_s", Json()), "{:.1f}") + " output tok/s"},
        {"simulated time", num(summary.value("sim_duration_s", Json()), "{:.2f}") + " s"},
        {"TTFT", q("ttft_ms")},
        {"TPOT", q("tpot_ms")},
        {"E2E", q("e2e_ms")},
        {"queue", q("queue_ms")},
        {"cost", num(summary.value("cost_usd_per_mtok", Json()), "{:.4f}") + " USD per million output tokens"},
    };
    page.sections.push_back(overview);

    RequestColumns req = read_requests((fs::path(run_dir) / "requests.csv").string());
    HtmlSection latency{"Latency distributions", {}, {}, {}};
    latency.charts = {cdf_chart("TTFT", req.ttft_ms), cdf_chart("TPOT", req.tpot_ms), cdf_chart("E2E", req.e2e_ms)};
    page.sections.push_back(latency);

    HtmlSection time{"Over time", {}, {}, request_time_charts(std::move(req))};
    const fs::path timeline = fs::path(run_dir) / "timeline.csv";
    if (fs::is_regular_file(timeline)) {
        for (auto& c : timeline_charts(timeline.string()))
            time.charts.push_back(std::move(c));
    } else {
        time.notes.push_back(
            "No timeline.csv in this folder (it was written by an older llmsim): batch size, KV use, output rate "
            "and utilisation over time are left out. Run it again with `llmsim run --config " +
            run_dir + "/config.resolved.json --out DIR` to get them.");
    }
    page.sections.push_back(time);
    return page;
}

}  // namespace llmsim::tools
