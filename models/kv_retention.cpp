#include "models/kv_retention.hpp"

#include <cmath>

namespace llmsim::models {

double KvRetention::limited_tokens(int64_t n) const {
    if (cap_tokens > 0) return static_cast<double>(n < cap_tokens ? n : cap_tokens);
    if (keep_fraction < 1.0) return std::ceil(keep_fraction * static_cast<double>(n));
    return static_cast<double>(n);
}

int64_t KvRetention::read_tokens(int64_t n) const {
    if (!active || n <= 0) return n;
    const double mixed = full_share * static_cast<double>(n) + (1.0 - full_share) * limited_tokens(n) +
                         scan_share * static_cast<double>(n);
    // A tiny epsilon keeps exact products (0.25 * 4096) from rounding up on binary noise.
    const auto read = static_cast<int64_t>(std::ceil(mixed - 1e-9));
    return read < n ? read : n;
}

int64_t KvRetention::refresh_tokens(int64_t n) const {
    if (!active || rebuild_rank <= 0 || n <= 0) return 0;
    return static_cast<int64_t>(std::ceil(refresh_share * limited_tokens(n) - 1e-9));
}

int64_t KvRetention::stored_tokens(int64_t n) const {
    if (!active || n <= 0) return n;
    const int64_t kept = read_tokens(n);
    const double equiv = memory_scale * static_cast<double>(kept) +
                         residual_extra * static_cast<double>(residual_read(kept)) +
                         resident_share * static_cast<double>(n);
    return static_cast<int64_t>(std::ceil(equiv - 1e-9));
}

}  // namespace llmsim::models
