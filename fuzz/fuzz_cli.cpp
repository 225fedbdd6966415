// The command line (tools/cli.cpp): the input split on NUL bytes is argv[1..]. main_entry maps typed errors (and
// CLI11's parse errors) to exit 2 and everything else to exit 1 ("internal error"), so exit 1 is the bug.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "fuzz/harness.hpp"
#include "tools/cli.hpp"

namespace {

// Inputs the harness does not run: `bench` measures this machine's kernels for seconds (no parser to fuzz), and an
// argument with a '/' could name a path outside the scratch directory that a run would then write to.
bool runnable(const std::vector<std::string>& args) {
    if (args.size() > 32) return false;
    for (const auto& a : args) {
        if (a == "bench" || a.find('/') != std::string::npos) return false;
    }
    return true;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
    // Relative outputs (--out DIR, --db FILE) land in the process's scratch directory; corpus and artifact paths
    // given to this harness must therefore be absolute (scripts/fuzz.sh passes them so).
    if (::chdir(llmsim::fuzz::scratch_dir().c_str()) != 0) std::abort();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::vector<std::string> args(1);
    for (size_t i = 0; i < size; ++i) {
        if (data[i] == '\0') {
            args.emplace_back();
        } else {
            args.back().push_back(static_cast<char>(data[i]));
        }
    }
    if (!runnable(args)) return 0;
    std::vector<char*> argv;
    std::string program = "llmsim";
    argv.push_back(program.data());
    for (auto& a : args)
        argv.push_back(a.data());
    argv.push_back(nullptr);

    // Output is noise at thousands of runs a second; the error line is kept for the report.
    std::ostringstream out;
    std::ostringstream err;
    std::streambuf* const old_out = std::cout.rdbuf(out.rdbuf());
    std::streambuf* const old_err = std::cerr.rdbuf(err.rdbuf());
    const int rc = llmsim::tools::main_entry(static_cast<int>(argv.size()) - 1, argv.data());
    std::cout.rdbuf(old_out);
    std::cerr.rdbuf(old_err);

    std::error_code ignored;  // what a run wrote into the scratch directory
    for (const auto& entry : std::filesystem::directory_iterator(llmsim::fuzz::scratch_dir(), ignored))
        std::filesystem::remove_all(entry.path(), ignored);

    if (rc != 0 && rc != 2) {
        std::fprintf(stderr, "llmsim-fuzz: exit %d, not a typed input error: %s\n", rc, err.str().c_str());
        std::abort();
    }
    return 0;
}
