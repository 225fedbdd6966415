#pragma once
// Seeded random streams. Each named stream is independent of the others (arrivals, lengths, ...), so adding a
// draw in one place does not shift every other random number. Distributions are implemented here (not <random>'s)
// so output is identical across standard libraries.
#include <cstdint>
#include <string_view>

namespace llmsim {

class Rng {
  public:
    explicit Rng(uint64_t seed);
    uint64_t next_u64();
    double uniform01();                    // [0, 1)
    double uniform(double lo, double hi);  // [lo, hi)
    uint64_t uniform_int(uint64_t n);      // [0, n)
    double exponential(double rate);       // mean 1/rate
    double normal();                       // standard normal
    double gamma(double shape, double scale);

  private:
    uint64_t s_[4];
    bool has_spare_normal_ = false;
    double spare_normal_ = 0.0;
};

// Derives independent streams from one run seed and a stream name.
class RngStreams {
  public:
    explicit RngStreams(uint64_t seed) : seed_(seed) {}
    [[nodiscard]] Rng stream(std::string_view name) const;
    [[nodiscard]] uint64_t seed() const { return seed_; }

  private:
    uint64_t seed_;
};

}  // namespace llmsim
