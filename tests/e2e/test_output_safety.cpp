// Issue 17: outputs appear complete or not at all, replace only regular files, and never leave temp files or a mixed
// set behind, even when the process is killed (SIGTERM/SIGINT) while writing.
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <thread>

#include "tests/support/cli_checks.hpp"
#include "tests/support/test_support.hpp"

using namespace llmsim::test;
namespace fs = std::filesystem;

namespace {

std::vector<std::string> temp_leftovers(const fs::path& dir) {
    std::vector<std::string> found;
    for (const auto& e : fs::recursive_directory_iterator(dir)) {
        const std::string name = e.path().filename().string();
        if (name.find(".tmp.") != std::string::npos || name.find("staging") != std::string::npos)
            found.push_back(e.path().string());
    }
    return found;
}

// The directory holds one complete run's set: the summary, the config and the per-request rows agree.
void check_one_set(const fs::path& dir, int64_t expect_requests_a, int64_t expect_requests_b) {
    REQUIRE(fs::exists(dir / "summary.json"));
    const auto summary = nlohmann::json::parse(read_text((dir / "summary.json").string()));
    const auto config = nlohmann::json::parse(read_text((dir / "config.resolved.json").string()));
    const int64_t n = summary.at("requests").get<int64_t>();
    CHECK((n == expect_requests_a || n == expect_requests_b));
    CHECK(config.at("num-requests").get<int64_t>() == n);
    const std::string csv = read_text((dir / "requests.csv").string());
    CHECK(std::count(csv.begin(), csv.end(), '\n') == n + 1);
}

}  // namespace

TEST_CASE("outputs refuse devices, directories and FIFOs, and empty paths name their flag", "[cli][errors][outputs]") {
    TempDir dir;
    const std::string fifo = dir.file("fifo");
    REQUIRE(mkfifo(fifo.c_str(), 0644) == 0);
    const std::string subdir = dir.file("sub");
    fs::create_directories(subdir);
    for (const std::string& target : {std::string("/dev/full"), fifo, subdir}) {
        INFO(target);
        expect_exit2({"trace", "generate", "--num-requests", "3", "--out", target}, {"--out", target});
        expect_exit2({"trace", "derive", "--trace", "x.csv", "--name", "x", "--out", target}, {"--out", target});
        expect_exit2(
            {"train", "--model", "llama-2-7b", "--hardware", "h100", "--gpus", "8", "--search", "--out", target},
            {"--out", target});
        expect_exit2({"calibrate", "--base", "h100", "--out", target}, {"--out", target});
        expect_exit2({"calibrate", "--base", "h100", "--report", target}, {"--report", target});
        expect_exit2({"sweep", "spec.json", "--db", dir.file("db.sqlite"), "--csv", target}, {"--csv", target});
        if (target != subdir) expect_exit2({"run", "--num-requests", "3", "--out", target}, {"--out", target});
    }
    CHECK(fs::is_fifo(fifo));
    CHECK(fs::is_character_file("/dev/full"));
    expect_exit2({"run", "--out", ""}, {"--out", "''"});
    expect_exit2({"run", "--trace", ""}, {"--trace", "''"});
    expect_exit2({"trace", "generate", "--out", ""}, {"--out"});
    expect_exit2({"train", "--model", "llama-2-7b", "--hardware", "h100", "--gpus", "8", "--search", "--out", ""},
                 {"--out"});
}

TEST_CASE("a failed write to stdout is a failed run", "[cli][errors][outputs]") {
    CHECK(wait_exit(spawn_llmsim({"trace", "generate", "--num-requests", "2000", "--out", "-"}, "/dev/full",
                                 "/dev/null")) == 2);
    CHECK(wait_exit(spawn_llmsim({"run", "--num-requests", "5", "--json"}, "/dev/full", "/dev/null")) == 2);
    CHECK(wait_exit(spawn_llmsim({"list", "models"}, "/dev/full", "/dev/null")) == 2);
}

TEST_CASE("a run's --out directory changes as one set", "[cli][outputs]") {
    TempDir dir;
    const fs::path out = dir.file("run");
    REQUIRE(run_llmsim({"run", "--num-requests", "20", "--out", out.string(), "--chrome-trace"}).exit_code == 0);
    CHECK(fs::exists(out / "trace.json"));
    REQUIRE(run_llmsim({"run", "--num-requests", "30", "--out", out.string()}).exit_code == 0);
    check_one_set(out, 30, 30);
    CHECK_FALSE(fs::exists(out / "trace.json"));  // the earlier run's file is not mixed into the new set
    // A directory with files llmsim did not write keeps them.
    const fs::path mine = dir.file("mine");
    fs::create_directories(mine);
    dir.write("mine/notes.txt", "keep me");
    REQUIRE(run_llmsim({"run", "--num-requests", "10", "--out", mine.string()}).exit_code == 0);
    CHECK(read_text((mine / "notes.txt").string()) == "keep me");
    check_one_set(mine, 10, 10);
    CHECK(temp_leftovers(dir.path()).empty());
}

TEST_CASE("a run killed at any point leaves no temp files and the old or the new set whole", "[cli][outputs][kill]") {
    TempDir dir;
    const fs::path out = dir.file("run");
    REQUIRE(run_llmsim({"run", "--num-requests", "40", "--out", out.string()}).exit_code == 0);
    const std::string big = "200000";
    const std::vector<std::string> args = {"run",       "--num-requests", big,     "--qps",     "inf",
                                           "--lengths", "fixed:8:2",      "--out", out.string()};
    // Time a whole run, then kill runs at spread fractions of it: during the simulation, the staging and the swap.
    const auto t0 = std::chrono::steady_clock::now();
    REQUIRE(wait_exit(spawn_llmsim(args, "/dev/null", "/dev/null")) == 0);
    const double full_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    check_one_set(out, 200000, 200000);
    REQUIRE(run_llmsim({"run", "--num-requests", "40", "--out", out.string()}).exit_code == 0);
    int killed = 0;
    for (int i = 1; i <= 12; ++i) {
        const double at_s = full_s * (0.55 + 0.04 * i);
        for (int sig : {SIGTERM, SIGINT}) {
            const pid_t pid = spawn_llmsim(args, "/dev/null", "/dev/null");
            std::this_thread::sleep_for(std::chrono::duration<double>(at_s));
            kill(pid, sig);
            const int code = wait_exit(pid);
            killed += code == 128 + sig;
            INFO("killed at " << at_s << " s of " << full_s << " s, exit " << code);
            CHECK(temp_leftovers(dir.path()).empty());
            check_one_set(out, 40, 200000);
            // Back to the small set, so the next kill shows whether the old set survives.
            REQUIRE(run_llmsim({"run", "--num-requests", "40", "--out", out.string()}).exit_code == 0);
        }
    }
    CHECK(killed > 0);
}
