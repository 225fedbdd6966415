#include "common/rng.hpp"

#include <cmath>

#include "common/error.hpp"

namespace llmsim {
namespace {

uint64_t splitmix64(uint64_t& x) {
    uint64_t z = (x += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

uint64_t rotl(uint64_t x, int k) {
    return (x << k) | (x >> (64 - k));
}

uint64_t fnv1a(std::string_view s) {
    uint64_t h = 0xcbf29ce484222325ULL;
    for (char c : s) {
        h ^= static_cast<unsigned char>(c);
        h *= 0x100000001b3ULL;
    }
    return h;
}

}  // namespace

Rng::Rng(uint64_t seed) {
    uint64_t x = seed;
    for (auto& s : s_)
        s = splitmix64(x);
}

// xoshiro256** (Blackman & Vigna): fast, 256-bit state, good statistical quality.
uint64_t Rng::next_u64() {
    const uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
}

double Rng::uniform01() {
    return static_cast<double>(next_u64() >> 11) * 0x1.0p-53;
}

double Rng::uniform(double lo, double hi) {
    return lo + (hi - lo) * uniform01();
}

uint64_t Rng::uniform_int(uint64_t n) {
    LLMSIM_ASSERT(n > 0, "uniform_int over an empty range");
    // Lemire's nearly-divisionless method with rejection for exact uniformity.
    const uint64_t threshold = (0 - n) % n;
    while (true) {
        const uint64_t x = next_u64();
        const __uint128_t m = static_cast<__uint128_t>(x) * n;
        if (static_cast<uint64_t>(m) >= threshold) return static_cast<uint64_t>(m >> 64);
    }
}

double Rng::exponential(double rate) {
    LLMSIM_ASSERT(rate > 0, "exponential rate must be positive");
    return -std::log1p(-uniform01()) / rate;
}

double Rng::normal() {
    if (has_spare_normal_) {
        has_spare_normal_ = false;
        return spare_normal_;
    }
    // Marsaglia polar method.
    double u = 0;
    double v = 0;
    double s = 0;
    do {
        u = uniform(-1.0, 1.0);
        v = uniform(-1.0, 1.0);
        s = u * u + v * v;
    } while (s >= 1.0 || s == 0.0);
    const double f = std::sqrt(-2.0 * std::log(s) / s);
    spare_normal_ = v * f;
    has_spare_normal_ = true;
    return u * f;
}

double Rng::gamma(double shape, double scale) {
    LLMSIM_ASSERT(shape > 0 && scale > 0, "gamma parameters must be positive");
    if (shape < 1.0) {
        // Boost to shape+1 and correct (Marsaglia & Tsang, section 6).
        const double u = uniform01();
        return gamma(shape + 1.0, scale) * std::pow(u > 0 ? u : 0x1.0p-53, 1.0 / shape);
    }
    const double d = shape - 1.0 / 3.0;
    const double c = 1.0 / std::sqrt(9.0 * d);
    while (true) {
        double x = 0;
        double v = 0;
        do {
            x = normal();
            v = 1.0 + c * x;
        } while (v <= 0);
        v = v * v * v;
        const double u = uniform01();
        if (u < 1.0 - 0.0331 * x * x * x * x) return d * v * scale;
        if (std::log(u) < 0.5 * x * x + d * (1.0 - v + std::log(v))) return d * v * scale;
    }
}

Rng RngStreams::stream(std::string_view name) const {
    uint64_t mixed = seed_ ^ fnv1a(name);
    return Rng(splitmix64(mixed));
}

}  // namespace llmsim
