// The report's SVG chart writer, the run timeline recorder and the progress bar of long commands.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <regex>
#include <sstream>

#include "common/csv.hpp"
#include "tools/progress_bar.hpp"
#include "tools/report/svg_chart.hpp"
#include "tools/report/timeline.hpp"

using namespace llmsim;
using namespace llmsim::tools;

TEST_CASE("nice ticks cover the range in steps of 1, 2 or 5 x 10^k", "[report]") {
    CHECK(nice_ticks(0, 10) == std::vector<double>{0, 2, 4, 6, 8, 10});
    CHECK(nice_ticks(0, 0.93) == std::vector<double>{0, 0.2, 0.4, 0.6000000000000001, 0.8, 1});
    const auto t = nice_ticks(13, 487);
    CHECK(t.front() <= 13);
    CHECK(t.back() >= 487);
    CHECK(t[1] - t[0] == Approx(100));
    CHECK(nice_ticks(5, 5).size() >= 2);                                // a flat series still gets an axis
    CHECK(nice_ticks(2, 16) == std::vector<double>{0, 5, 10, 15, 20});  // the last tick covers the maximum
}

TEST_CASE("an SVG chart draws each series and counts its points", "[report]") {
    Chart c{"TTFT <CDF>", "ms", "share", {{"a", {1, 2, 3}, {0.1, 0.5, 1.0}, SeriesStyle::step}}, true, {}};
    c.series.push_back({"b", {1, 2, std::nan("")}, {0.2, 0.3, 0.4}, SeriesStyle::points});
    const std::string svg = render_svg(c);
    CHECK(svg.find("data-points=\"5\"") != std::string::npos);  // the NaN point is dropped
    CHECK(svg.find("TTFT &lt;CDF&gt;") != std::string::npos);
    CHECK(svg.find("<path d=\"M") != std::string::npos);
    CHECK(svg.find("<circle") != std::string::npos);
    CHECK(svg == render_svg(c));  // deterministic

    // Every point lies inside the plot frame (x 70..620, y 34..274 for the default 640 x 320), whatever the range.
    const Chart wide{"w", "x", "y", {{"", {2, 7, 16}, {-3, 0.5, 1e6}, SeriesStyle::points}}, true, {}};
    const std::string ws = render_svg(wide);
    const std::regex circle(R"re(cx="([0-9.]+)" cy="([0-9.]+)")re");
    int circles = 0;
    for (auto it = std::sregex_iterator(ws.begin(), ws.end(), circle); it != std::sregex_iterator(); ++it, ++circles) {
        const double x = std::stod((*it)[1].str()), y = std::stod((*it)[2].str());
        CHECK(x >= 70);
        CHECK(x <= 620);
        CHECK(y >= 34);
        CHECK(y <= 274);
    }
    CHECK(circles == 3);

    const Chart empty{"nothing", "x", "y", {}, true, {}};
    CHECK(render_svg(empty).find("no data") != std::string::npos);

    Chart cat{"by scheduler", "scheduler",        "req/s", {{"", {0, 1}, {2, 3}, SeriesStyle::line}},
              true,           {"vllm", "sarathi"}};
    const std::string s = render_svg(cat);
    CHECK(s.find(">vllm</text>") != std::string::npos);
    CHECK(s.find(">sarathi</text>") != std::string::npos);
}

TEST_CASE("the timeline bins steps, spreads busy time and widens its bins to stay bounded", "[report]") {
    TimelineRecorder t({2});
    // Two replicas; one step of 15 ms from 5 ms: busy time spreads over bins 0 and 1 (10 ms each).
    t.on_step({0, 0, 5'000'000, 20'000'000, 8, 100, 8, 15e6, 1, 50, 100});
    t.on_step({0, 1, 6'000'000, 8'000'000, 4, 40, 4, 2e6, 1, 20, 100});
    CsvReader csv("timeline", t.csv());
    const size_t util = csv.require_column("utilization");
    const size_t seqs = csv.require_column("mean_batch_seqs");
    const size_t kv = csv.require_column("kv_used_mean");
    const size_t peak = csv.require_column("kv_used_peak");
    REQUIRE(csv.next());
    // Bin 0: 5 ms of the first step + 2 ms of the second, over 2 replicas x 10 ms.
    CHECK(csv.get_double(util) == Approx(0.35));
    CHECK(csv.get_double(seqs) == Approx(6));
    CHECK(csv.get_double(kv) == Approx(0.35));
    CHECK(csv.get_double(peak) == Approx(0.5));
    REQUIRE(csv.next());
    CHECK(csv.get_double(util) == Approx(0.5));  // 10 ms of the first step over 20 replica-ms
    REQUIRE(csv.next());
    CHECK_FALSE(csv.next());

    // A step far beyond kMaxBins x 10 ms doubles the bin width until it fits.
    t.on_step({0, 0, 60'000'000'000, 60'010'000'000, 1, 1, 1, 1e7, 1, 1, 100});
    CHECK(t.bin_ns() > 60'000'000'000 / static_cast<int64_t>(TimelineRecorder::kMaxBins));
    CsvReader wide("timeline", t.csv());
    size_t rows = 0;
    while (wide.next())
        ++rows;
    CHECK(rows <= TimelineRecorder::kMaxBins);
}

TEST_CASE("the progress bar draws only after its delay, at most every redraw interval, and erases itself",
          "[progress]") {
    std::ostringstream out;
    {
        ProgressBar late("work", 1000, "items", out, 3600.0);
        for (int i = 0; i < 1000; ++i)
            late.advance();
    }
    CHECK(out.str().empty());  // finished before the delay: nothing at all

    ProgressBar bar("work", 1000, "items", out, 0.0);
    for (int i = 0; i < 500; ++i)
        bar.advance();
    const std::string drawn = out.str();
    // The clock is read every 64 calls: the first draw shows 64 done (1 of 30 marks).
    CHECK(drawn.rfind("\rwork [#.............................] 64/1000 items 6% ", 0) == 0);
    CHECK(std::count(drawn.begin(), drawn.end(), '\r') == 1);  // one draw within the redraw interval
    bar.finish();
    CHECK(out.str().substr(out.str().size() - 4) == "\r\x1b[K");
    bar.finish();  // idempotent
    CHECK(out.str().size() == drawn.size() + 4);
    CHECK_FALSE(ProgressBar::wanted(true));  // --quiet
}
