#pragma once
// Helpers shared by the test suites: where ../shared is, running the CLI, temp dirs, error-table printing.
#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

namespace llmsim::test {

// Absolute path of a file under ../shared (or $LLMSIM_SHARED_DIR), or nullopt when absent.
std::optional<std::string> shared_file(const std::string& relative);
// Prints the ctest skip marker with a reason. Use: if (!path) { skip("..."); return; }
void skip(const std::string& reason);

std::string source_path(const std::string& relative);
std::string llmsim_binary();

struct CommandResult {
    int exit_code = -1;
    std::string out;
    std::string err;
};
// Runs the llmsim binary with the given arguments (no shell interpolation of arguments).
CommandResult run_llmsim(const std::vector<std::string>& args);

// Starts argv[0] (a path) with its stdout written to `out_path` and its stderr to `err_path` (the same file when the
// paths are equal), without a shell; returns its pid.
pid_t spawn(const std::vector<std::string>& argv, const std::string& out_path, const std::string& err_path);
// Starts the llmsim binary with `args` as spawn does.
pid_t spawn_llmsim(const std::vector<std::string>& args, const std::string& out_path, const std::string& err_path);
// Waits for `pid`: its exit status, or 128 + the signal that ended it (as a shell reports it).
int wait_exit(pid_t pid);

// A fresh empty directory under the build tree, removed at destruction.
class TempDir {
  public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    [[nodiscard]] const std::string& path() const { return path_; }
    [[nodiscard]] std::string file(const std::string& name) const { return path_ + "/" + name; }
    std::string write(const std::string& name, const std::string& content) const;

  private:
    std::string path_;
};

std::string read_text(const std::string& path);

// False in sanitizer builds (make test-sanitize), which run several times slower: bounds on speed, and comparisons
// of timed real runs with the simulator, hold for optimised builds only.
#ifdef LLMSIM_SANITIZED
inline constexpr bool timing_is_meaningful = false;
#else
inline constexpr bool timing_is_meaningful = true;
#endif

// Relative error |predicted - measured| / measured.
double rel_error(double predicted, double measured);
double median(std::vector<double> values);

}  // namespace llmsim::test
