#include "tools/progress_bar.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <iostream>

namespace llmsim::tools {

bool ProgressBar::wanted(bool quiet) {
    return !quiet && isatty(STDERR_FILENO) != 0;
}

ProgressBar::ProgressBar(std::string label, int64_t total, std::string unit, std::ostream& out, double delay_s)
    : label_(std::move(label)),
      total_(total),
      unit_(std::move(unit)),
      out_(out),
      delay_s_(delay_s),
      start_(std::chrono::steady_clock::now()) {}

ProgressBar::~ProgressBar() {
    finish();
}

void ProgressBar::advance(int64_t n) {
    done_ += n;
    if (++calls_ % kCheckEvery != 0 && done_ < total_) return;
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    if (elapsed < delay_s_ || elapsed - last_draw_s_ < kRedrawS) return;
    last_draw_s_ = elapsed;
    draw(elapsed);
}

void ProgressBar::draw(double elapsed_s) {
    constexpr int kWidth = 30;
    const double share = total_ > 0 ? std::min(1.0, static_cast<double>(done_) / static_cast<double>(total_)) : 0.0;
    const auto filled = static_cast<size_t>(kWidth * share);
    const double eta = share > 0 ? elapsed_s * (1 - share) / share : 0.0;
    out_ << fmt::format("\r{} [{}{}] {}/{} {} {:.0f}% {:.0f} s left\x1b[K", label_, std::string(filled, '#'),
                        std::string(kWidth - filled, '.'), done_, total_, unit_, 100 * share, eta)
         << std::flush;
    drawn_ = true;
}

void ProgressBar::finish() {
    if (!drawn_) return;
    out_ << "\r\x1b[K" << std::flush;
    drawn_ = false;
}

}  // namespace llmsim::tools
