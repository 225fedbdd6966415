#pragma once
// Progress of long work on stderr: on a terminal a redrawn bar with done/total, rate and ETA; otherwise a plain
// line every few seconds (logs stay readable); nothing when quiet.
#include <chrono>
#include <cstdint>
#include <iosfwd>
#include <string>

namespace llmsim::tools {

class Progress {
  public:
    // `out` is where lines go (stderr); `terminal` picks the redrawn bar.
    Progress(std::string label, int64_t total, bool quiet, std::ostream& out, bool terminal);
    // Adds `n` finished items; prints when due.
    void advance(int64_t n);
    // Final line (or clears the bar).
    void finish();
    // Interval between plain lines when not on a terminal.
    static constexpr double kPlainIntervalS = 5.0;

  private:
    void print(bool final);
    std::string label_;
    int64_t total_;
    int64_t done_ = 0;
    bool quiet_;
    std::ostream& out_;
    bool terminal_;
    std::chrono::steady_clock::time_point start_;
    std::chrono::steady_clock::time_point last_print_;
};

// True when stderr is a terminal.
bool stderr_is_terminal();

}  // namespace llmsim::tools
