#pragma once
// Deterministic random contents for weights and benchmark buffers (values matter only in being finite, non-denormal
// and reproducible: timings of dense kernels do not depend on them).
#include <cstdint>
#include <span>

namespace llmsim::bench {

// Uniform in [-scale, scale], from a splitmix64 stream seeded with `seed`.
void fill_uniform(std::span<float> out, float scale, uint64_t seed);
// The same values rounded to bfloat16 (upper 16 bits of the float).
void fill_uniform_bf16(std::span<uint16_t> out, float scale, uint64_t seed);

}  // namespace llmsim::bench
