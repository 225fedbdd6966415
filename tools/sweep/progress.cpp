#include "tools/sweep/progress.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <ostream>

namespace llmsim::tools {
namespace {

std::string duration_text(double s) {
    if (!(s >= 0) || s > 359999) return "--";
    const auto t = static_cast<int64_t>(s + 0.5);
    if (t >= 3600) return fmt::format("{}:{:02}:{:02}", t / 3600, t / 60 % 60, t % 60);
    return fmt::format("{}:{:02}", t / 60, t % 60);
}

}  // namespace

bool stderr_is_terminal() {
    return isatty(STDERR_FILENO) != 0;
}

Progress::Progress(std::string label, int64_t total, bool quiet, std::ostream& out, bool terminal)
    : label_(std::move(label)),
      total_(total),
      quiet_(quiet),
      out_(out),
      terminal_(terminal),
      start_(std::chrono::steady_clock::now()),
      last_print_(start_) {}

void Progress::advance(int64_t n) {
    done_ += n;
    if (quiet_) return;
    const auto now = std::chrono::steady_clock::now();
    const double since = std::chrono::duration<double>(now - last_print_).count();
    if (since >= (terminal_ ? 0.1 : kPlainIntervalS)) {
        last_print_ = now;
        print(false);
    }
}

void Progress::finish() {
    if (quiet_) return;
    print(true);
}

void Progress::print(bool final) {
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    const double rate = elapsed > 0 ? static_cast<double>(done_) / elapsed : 0.0;
    const double eta = rate > 0 ? static_cast<double>(total_ - done_) / rate : -1.0;
    const std::string stats =
        final ? fmt::format("{}/{} runs  {:.1f} runs/s  {} elapsed", done_, total_, rate, duration_text(elapsed))
              : fmt::format("{}/{} runs  {:.1f} runs/s  ETA {}", done_, total_, rate, duration_text(eta));
    if (terminal_) {
        constexpr int kWidth = 30;
        const int filled = total_ > 0 ? static_cast<int>(kWidth * done_ / total_) : kWidth;
        out_ << "\r" << label_ << " [" << std::string(static_cast<size_t>(filled), '#')
             << std::string(static_cast<size_t>(kWidth - filled), '.') << "] " << stats << "\x1b[K";
        if (final) out_ << "\n";
    } else {
        out_ << label_ << ": " << stats << "\n";
    }
    out_.flush();
}

}  // namespace llmsim::tools
