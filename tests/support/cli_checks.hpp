#pragma once
// Checks on runs of the llmsim binary shared by the end-to-end suites: a successful run's JSON, and the exit-2 error
// shape CLI-CONTRACT.md gives (status 2, one line on stderr naming the flag or file and what was expected).
#include <string>
#include <vector>

#include "common/json_io.hpp"
#include "tests/support/test_support.hpp"

namespace llmsim::test {

// Runs llmsim, requires exit 0 and returns stdout parsed as exactly one JSON document (parse throws otherwise).
Json run_ok_json(const std::vector<std::string>& args);

// A finished run exited 2 and every fragment appears in its stderr.
void check_exit2(const CommandResult& r, const std::vector<std::string>& fragments);
// check_exit2, and stderr is exactly one line.
void check_one_line_exit2(const CommandResult& r, const std::vector<std::string>& fragments);

// Runs llmsim and checks the result with check_one_line_exit2; returns it for further checks.
CommandResult expect_exit2(const std::vector<std::string>& args, const std::vector<std::string>& fragments);
// expect_exit2, and nothing was printed on stdout.
CommandResult expect_quiet_exit2(const std::vector<std::string>& args, const std::vector<std::string>& fragments);
// expect_quiet_exit2 with `--out DIR` appended: the failed run must also leave DIR absent or empty.
void expect_exit2_writing_nothing(const std::vector<std::string>& args, const std::vector<std::string>& fragments);

}  // namespace llmsim::test
