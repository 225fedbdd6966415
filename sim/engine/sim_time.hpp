#pragma once
// Simulated time: integer nanoseconds in a strong type so a duration in seconds can never be added by mistake.
#include <cstdint>
#include <limits>

namespace llmsim::sim {

class SimTime {
  public:
    constexpr SimTime() = default;
    static constexpr SimTime from_ns(int64_t ns) { return SimTime(ns); }
    static constexpr SimTime zero() { return SimTime(0); }
    static constexpr SimTime max() { return SimTime(std::numeric_limits<int64_t>::max()); }

    [[nodiscard]] constexpr int64_t ns() const { return ns_; }
    [[nodiscard]] constexpr double seconds() const { return static_cast<double>(ns_) * 1e-9; }
    [[nodiscard]] constexpr double ms() const { return static_cast<double>(ns_) * 1e-6; }

    [[nodiscard]] constexpr SimTime plus_ns(int64_t delta_ns) const { return SimTime(ns_ + delta_ns); }
    [[nodiscard]] constexpr int64_t ns_since(SimTime earlier) const { return ns_ - earlier.ns_; }

    constexpr auto operator<=>(const SimTime&) const = default;

  private:
    constexpr explicit SimTime(int64_t ns) : ns_(ns) {}
    int64_t ns_ = 0;
};

// Rounds a non-negative duration in seconds to whole nanoseconds (at least 1 ns when positive, so progress is made).
int64_t seconds_to_ns(double seconds);

}  // namespace llmsim::sim
