// llmsim report through the real binary: the HTML page of a run directory and of a sweep store holds the expected
// number of inline SVG plots, each with data; it loads nothing from outside; bad inputs exit 2 naming what is
// missing; and, where Chromium is installed, the page renders to a non-blank PNG.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <regex>

#include "tests/support/test_support.hpp"

using namespace llmsim::test;

namespace {

struct PlotCount {
    int svgs = 0;
    int with_data = 0;
};

// Counts <svg> elements and those whose data-points attribute (points drawn) is above zero.
PlotCount count_plots(const std::string& html) {
    PlotCount c;
    const std::regex svg(R"re(<svg [^>]*data-points="(\d+)")re");
    for (auto it = std::sregex_iterator(html.begin(), html.end(), svg); it != std::sregex_iterator(); ++it) {
        ++c.svgs;
        if (std::stoll((*it)[1].str()) > 0) ++c.with_data;
    }
    return c;
}

void require_self_contained(const std::string& html) {
    for (const char* s : {"<script", "src=", "href=", "url(", "@import"}) {
        INFO(s);
        CHECK(html.find(s) == std::string::npos);
    }
}

const char* kSweep = R"({"name": "rates", "base": {"model": "llama-2-7b", "hardware": "a100", "num_requests": 40,
    "lengths": "fixed:256:64"}, "axes": {"grid": {"scheduler": ["sarathi", "vllm"], "qps": [2, 8]}}})";

}  // namespace

TEST_CASE("report of a run directory: CDFs, queue, throughput, batch, KV and utilisation plots", "[cli][report]") {
    TempDir dir;
    const std::string run = dir.file("run");
    const CommandResult r = run_llmsim({"run", "--num-requests", "300", "--qps", "6", "--out", run});
    REQUIRE(r.exit_code == 0);
    REQUIRE(std::filesystem::is_regular_file(run + "/timeline.csv"));
    const CommandResult rep = run_llmsim({"report", run, "--out", dir.file("report.html")});
    INFO(rep.err);
    REQUIRE(rep.exit_code == 0);
    const std::string html = read_text(dir.file("report.html"));
    const PlotCount c = count_plots(html);
    // 3 latency CDFs + queue length + completions/s + output tokens/s + batch size + KV use + utilisation.
    CHECK(c.svgs == 9);
    CHECK(c.with_data == 9);
    require_self_contained(html);
    CHECK(html.find("KV cache use over time") != std::string::npos);

    SECTION("an older run directory without timeline.csv keeps the request-based plots and says why") {
        std::filesystem::remove(run + "/timeline.csv");
        REQUIRE(run_llmsim({"report", run, "--out", dir.file("old.html")}).exit_code == 0);
        const std::string old = read_text(dir.file("old.html"));
        CHECK(count_plots(old).with_data == 5);
        CHECK(old.find("No timeline.csv") != std::string::npos);
    }
}

TEST_CASE("report of a sweep store: metric-vs-axis charts and the Pareto front", "[cli][report]") {
    TempDir dir;
    const std::string spec = dir.write("spec.json", kSweep);
    const std::string db = dir.file("r.sqlite");
    REQUIRE(run_llmsim({"sweep", spec, "--db", db, "--quiet"}).exit_code == 0);
    const CommandResult rep = run_llmsim({"report", "--db", db, "--sweep", "1", "--out", dir.file("s.html")});
    INFO(rep.err);
    REQUIRE(rep.exit_code == 0);
    const std::string html = read_text(dir.file("s.html"));
    const PlotCount c = count_plots(html);
    // 2 axes x 6 metrics (throughput, per-GPU tokens/s, TTFT/TPOT/E2E p90, USD per Mtok) + the Pareto front.
    CHECK(c.svgs == 13);
    CHECK(c.with_data == 13);
    CHECK(html.find("Pareto front") != std::string::npos);
    require_self_contained(html);
    // By name, the same sweep.
    REQUIRE(run_llmsim({"report", "--db", db, "--sweep", "rates", "--out", dir.file("n.html")}).exit_code == 0);
    CHECK(count_plots(read_text(dir.file("n.html"))).svgs == 13);
}

TEST_CASE("report: a folder without a run or a store without the sweep exits 2 naming it", "[cli][report][errors]") {
    TempDir dir;
    const std::string empty = dir.file("empty");
    std::filesystem::create_directory(empty);
    CommandResult r = run_llmsim({"report", empty, "--out", dir.file("x.html")});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find(empty) != std::string::npos);
    CHECK(r.err.find("summary.json") != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(dir.file("x.html")));

    r = run_llmsim({"report", dir.file("missing"), "--out", dir.file("x.html")});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find(dir.file("missing")) != std::string::npos);

    const std::string db = dir.file("r.sqlite");
    REQUIRE(run_llmsim({"sweep", dir.write("spec.json", kSweep), "--db", db, "--quiet"}).exit_code == 0);
    r = run_llmsim({"report", "--db", db, "--sweep", "7", "--out", dir.file("x.html")});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("'7'") != std::string::npos);
    CHECK(r.err.find("1 (rates)") != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(dir.file("x.html")));

    r = run_llmsim({"report", "--db", dir.file("none.sqlite"), "--out", dir.file("x.html")});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("none.sqlite") != std::string::npos);

    CHECK(run_llmsim({"report", "--out", dir.file("x.html")}).exit_code == 2);
}

// Chromium is not installed by `make deps` (it is large); where it is, the page must render with its plots visible.
TEST_CASE("report renders in headless Chromium to a non-blank PNG", "[cli][report][browser]") {
    std::string browser;
    for (const char* name : {"chromium", "chromium-browser", "google-chrome"}) {
        if (std::system((std::string("command -v ") + name + " >/dev/null 2>&1").c_str()) == 0) {
            browser = name;
            break;
        }
    }
    if (browser.empty()) {
        skip("headless Chromium is not installed (apt-get install chromium to run this test)");
        return;
    }
    TempDir dir;
    REQUIRE(run_llmsim({"run", "--num-requests", "200", "--out", dir.file("run")}).exit_code == 0);
    REQUIRE(run_llmsim({"report", dir.file("run"), "--out", dir.file("report.html")}).exit_code == 0);
    // The same window over a white page is the blank baseline: a PNG of drawn plots compresses far worse.
    dir.write("blank.html", "<!DOCTYPE html><html><body style=\"background:#fff\"></body></html>\n");
    auto shoot = [&](const std::string& html, const std::string& png) {
        const std::string cmd = browser + " --headless --no-sandbox --disable-gpu --hide-scrollbars " +
                                "--window-size=1400,2200 --screenshot=" + png + " file://" + html + " >/dev/null 2>&1";
        REQUIRE(std::system(cmd.c_str()) == 0);
        REQUIRE(std::filesystem::is_regular_file(png));
        return std::filesystem::file_size(png);
    };
    const auto blank = shoot(dir.file("blank.html"), dir.file("blank.png"));
    const auto page = shoot(dir.file("report.html"), dir.file("report.png"));
    INFO("blank " << blank << " bytes, report " << page << " bytes");
    const std::string head = read_text(dir.file("report.png")).substr(0, 8);
    CHECK(head == "\x89PNG\r\n\x1a\n");
    CHECK(page > 5 * blank);
    CHECK(page > 30000);
}
