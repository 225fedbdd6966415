#pragma once
// Progress of one long command on stderr (`run` over big traces, `bench serve`): drawn only when stderr is a
// terminal and the caller is not quiet, only once the work has run for kDelayS (short commands print nothing),
// redrawn at most every kRedrawS, and erased when done so the terminal keeps only the result.
#include <chrono>
#include <cstdint>
#include <iostream>
#include <limits>
#include <string>

#include "sim/serving/request_lifecycle.hpp"

namespace llmsim::tools {

class ProgressBar {
  public:
    static constexpr double kDelayS = 2.0;
    static constexpr double kRedrawS = 0.2;

    // Whether a command should show progress: not --quiet, and stderr is a terminal.
    static bool wanted(bool quiet);

    // `out` and `delay_s` are for tests; commands draw on stderr after kDelayS.
    ProgressBar(std::string label, int64_t total, std::string unit, std::ostream& out = std::cerr,
                double delay_s = kDelayS);
    ~ProgressBar();
    ProgressBar(const ProgressBar&) = delete;
    ProgressBar& operator=(const ProgressBar&) = delete;

    // Adds finished items; looks at the clock every kCheckEvery calls only, so per-item calls stay cheap.
    void advance(int64_t n = 1);
    // Erases the bar if one was drawn (also done by the destructor).
    void finish();

  private:
    static constexpr int64_t kCheckEvery = 64;
    void draw(double elapsed_s);

    std::string label_;
    int64_t total_;
    std::string unit_;
    int64_t done_ = 0;
    int64_t calls_ = 0;
    std::ostream& out_;
    double delay_s_;
    bool drawn_ = false;
    std::chrono::steady_clock::time_point start_;
    double last_draw_s_ = -std::numeric_limits<double>::infinity();
};

// Advances a bar by one for each request that leaves the system (finished or rejected).
class RequestProgress final : public sim::LifecycleObserver {
  public:
    explicit RequestProgress(ProgressBar& bar) : bar_(bar) {}
    void on_finished(const sim::RequestState& /*r*/, int64_t /*now_ns*/) override { bar_.advance(); }
    void on_rejected(const sim::RequestState& /*r*/) override { bar_.advance(); }

  private:
    ProgressBar& bar_;
};

}  // namespace llmsim::tools
