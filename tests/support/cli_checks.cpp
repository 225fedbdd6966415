#include "tests/support/cli_checks.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>

namespace llmsim::test {

namespace {

// A runaway message (a file-sized field) would bury the failure report; its start is enough to see what went wrong.
constexpr size_t kShownChars = 2000;

}  // namespace

Json run_ok_json(const std::vector<std::string>& args) {
    const CommandResult r = run_llmsim(args);
    INFO("stderr: " << r.err);
    REQUIRE(r.exit_code == 0);
    return Json::parse(r.out);
}

void check_exit2(const CommandResult& r, const std::vector<std::string>& fragments) {
    INFO("stderr: " << r.err.substr(0, kShownChars) << "\nstdout: " << r.out.substr(0, kShownChars));
    CHECK(r.exit_code == 2);
    for (const auto& f : fragments)
        CHECK(r.err.find(f) != std::string::npos);
}

void check_one_line_exit2(const CommandResult& r, const std::vector<std::string>& fragments) {
    check_exit2(r, fragments);
    INFO("stderr: " << r.err.substr(0, kShownChars));
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
}

CommandResult expect_exit2(const std::vector<std::string>& args, const std::vector<std::string>& fragments) {
    CommandResult r = run_llmsim(args);
    check_one_line_exit2(r, fragments);
    return r;
}

CommandResult expect_quiet_exit2(const std::vector<std::string>& args, const std::vector<std::string>& fragments) {
    CommandResult r = expect_exit2(args, fragments);
    INFO("stdout: " << r.out.substr(0, kShownChars));
    CHECK(r.out.empty());
    return r;
}

void expect_exit2_writing_nothing(const std::vector<std::string>& args, const std::vector<std::string>& fragments) {
    TempDir dir;
    const std::string out = dir.file("out");
    std::vector<std::string> with_out = args;
    with_out.push_back("--out");
    with_out.push_back(out);
    expect_quiet_exit2(with_out, fragments);
    CHECK((!std::filesystem::exists(out) || std::filesystem::is_empty(out)));
}

}  // namespace llmsim::test
