#include "sim/serving/kv_cache.hpp"

#include <cmath>

#include "common/error.hpp"

namespace llmsim::sim {

KvCacheManager::KvCacheManager(const KvCacheOptions& options) : options_(options) {
    LLMSIM_ASSERT(options.capacity_blocks >= 0 && options.block_tokens > 0,
                  "KV pool needs non-negative capacity and blocks of at least one token");
    LLMSIM_ASSERT(options.tiers.size() <= static_cast<size_t>(kMaxKvTiers), "too many KV tiers");
    // Swap space: the first tier below HBM when one is given (its link), otherwise vLLM's default host swap space.
    if (!options.tiers.empty()) {
        swap_capacity_blocks_ = options.tiers.front().capacity_blocks;
        swap_bytes_per_s_ = options.tiers.front().bandwidth_bytes_per_s;
    } else if (options.block_bytes > 0) {
        swap_capacity_blocks_ = static_cast<int64_t>(std::floor(options.swap_bytes / options.block_bytes));
        swap_bytes_per_s_ = options.host_link_bytes_per_s;
    }
}

PrefixMatch KvCacheManager::lookup_prefix(const RequestState& /*r*/) const {
    return {};
}

int64_t KvCacheManager::acquire_prefix(RequestState& /*r*/) {
    return 0;
}

void KvCacheManager::charge_transfer(int64_t blocks, double bytes_per_s) {
    if (blocks <= 0) return;
    LLMSIM_ASSERT(bytes_per_s > 0, "KV transfer over a link without bandwidth");
    const double ns = static_cast<double>(blocks) * options_.block_bytes / bytes_per_s * 1e9;
    stats_.transfer_ns += ns;
    pending_transfer_ns_ += static_cast<int64_t>(std::llround(ns));
}

bool KvCacheManager::swap_out(RequestState& r) {
    const int32_t blocks = r.kv_blocks_;
    if (swap_bytes_per_s_ <= 0 || swap_used_blocks_ + blocks > swap_capacity_blocks_) return false;
    if (swapped_blocks_.size() <= r.id) swapped_blocks_.resize(static_cast<size_t>(r.id) + 1, 0);
    LLMSIM_ASSERT(swapped_blocks_[r.id] == 0, "request swapped out twice");
    swapped_blocks_[r.id] = blocks;
    swap_used_blocks_ += blocks;
    stats_.swapped_out_blocks += blocks;
    charge_transfer(blocks, swap_bytes_per_s_);
    free(r);
    return true;
}

bool KvCacheManager::can_swap_in(const RequestState& r, int64_t keep_free) const {
    return can_allocate(r, r.kv_tokens() + 1, keep_free);
}

bool KvCacheManager::swap_in(RequestState& r) {
    LLMSIM_ASSERT(r.id < swapped_blocks_.size() && swapped_blocks_[r.id] > 0, "swap-in of a request not swapped out");
    if (!allocate(r, r.kv_tokens() + 1)) return false;
    const int32_t blocks = swapped_blocks_[r.id];
    swapped_blocks_[r.id] = 0;
    swap_used_blocks_ -= blocks;
    stats_.swapped_in_blocks += blocks;
    charge_transfer(blocks, swap_bytes_per_s_);
    return true;
}

}  // namespace llmsim::sim
