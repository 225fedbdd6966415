#include "tools/bench/random_fill.hpp"

#include <bit>

namespace llmsim::bench {
namespace {

struct SplitMix64 {
    uint64_t state;
    uint64_t next() {
        uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        return z ^ (z >> 31);
    }
    // Uniform in [-1, 1).
    float symmetric() { return static_cast<float>(static_cast<double>(next() >> 40) * 0x1.0p-23 - 1.0); }
};

}  // namespace

void fill_uniform(std::span<float> out, float scale, uint64_t seed) {
    SplitMix64 rng{seed};
    for (float& v : out)
        v = scale * rng.symmetric();
}

void fill_uniform_bf16(std::span<uint16_t> out, float scale, uint64_t seed) {
    SplitMix64 rng{seed};
    for (uint16_t& v : out)
        v = static_cast<uint16_t>(std::bit_cast<uint32_t>(scale * rng.symmetric()) >> 16);
}

}  // namespace llmsim::bench
