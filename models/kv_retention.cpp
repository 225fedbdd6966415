#include "models/kv_retention.hpp"

#include <cmath>

namespace llmsim::models {

int64_t KvRetention::read_tokens(int64_t n) const {
    if (!active || n <= 0) return n;
    double limited = static_cast<double>(n);
    if (cap_tokens > 0) {
        limited = static_cast<double>(n < cap_tokens ? n : cap_tokens);
    } else if (keep_fraction < 1.0) {
        limited = std::ceil(keep_fraction * static_cast<double>(n));
    }
    const double mixed = full_share * static_cast<double>(n) + (1.0 - full_share) * limited;
    // A tiny epsilon keeps exact products (0.25 * 4096) from rounding up on binary noise.
    return static_cast<int64_t>(std::ceil(mixed - 1e-9));
}

int64_t KvRetention::stored_tokens(int64_t n) const {
    if (!active || n <= 0) return n;
    const int64_t kept = read_tokens(n);
    const double equiv =
        memory_scale * static_cast<double>(kept) + residual_extra * static_cast<double>(residual_read(kept));
    return static_cast<int64_t>(std::ceil(equiv - 1e-9));
}

}  // namespace llmsim::models
