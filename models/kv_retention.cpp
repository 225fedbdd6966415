#include "models/kv_retention.hpp"

#include <cmath>

namespace llmsim::models {

// The general cases of read_tokens()/stored_tokens() (per-head mixes, merged layers, KIVI residuals).
int64_t KvRetention::mixed_tokens(int64_t n, int64_t limited_tokens) const {
    const double mixed =
        full_share * static_cast<double>(n) + (1.0 - full_share) * static_cast<double>(limited_tokens);
    // A tiny epsilon keeps exact products (0.25 * 4096) from rounding up on binary noise.
    return static_cast<int64_t>(std::ceil(mixed - 1e-9));
}

int64_t KvRetention::scaled_tokens(int64_t kept) const {
    const double equiv =
        memory_scale * static_cast<double>(kept) + residual_extra * static_cast<double>(residual_read(kept));
    return static_cast<int64_t>(std::ceil(equiv - 1e-9));
}

}  // namespace llmsim::models
