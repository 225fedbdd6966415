#include "models/kv_retention.hpp"

#include <cmath>

namespace llmsim::models {

// The general cases of read_tokens()/stored_tokens() (per-head mixes, scanned landmarks, merged layers, KIVI
// residuals, resident low-rank factors).
int64_t KvRetention::mixed_tokens(int64_t n, int64_t limited) const {
    const double mixed = full_share * static_cast<double>(n) + (1.0 - full_share) * static_cast<double>(limited) +
                         scan_share * static_cast<double>(n);
    // A tiny epsilon keeps exact products (0.25 * 4096) from rounding up on binary noise.
    const auto read = static_cast<int64_t>(std::ceil(mixed - 1e-9));
    return read < n ? read : n;
}

int64_t KvRetention::refresh_tokens(int64_t n) const {
    if (!active || rebuild_rank <= 0 || n <= 0) return 0;
    return static_cast<int64_t>(std::ceil(refresh_share * static_cast<double>(limited_tokens(n)) - 1e-9));
}

int64_t KvRetention::scaled_tokens(int64_t n, int64_t kept) const {
    const double equiv = memory_scale * static_cast<double>(kept) +
                         residual_extra * static_cast<double>(residual_read(kept)) +
                         resident_share * static_cast<double>(n);
    return static_cast<int64_t>(std::ceil(equiv - 1e-9));
}

}  // namespace llmsim::models
