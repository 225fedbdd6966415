#include "sim/serving/kv_block_manager.hpp"

#include <algorithm>

#include "common/error.hpp"

namespace llmsim::sim {

KvBlockManager::KvBlockManager(int64_t capacity_blocks, int32_t block_tokens)
    : capacity_(capacity_blocks), block_tokens_(block_tokens) {
    LLMSIM_ASSERT(capacity_blocks >= 0 && block_tokens > 0, "KV pool needs non-negative capacity and blocks > 0");
}

void KvBlockManager::allocate(int64_t blocks) {
    LLMSIM_ASSERT(blocks >= 0, "negative KV allocation");
    LLMSIM_ASSERT(used_ + blocks <= capacity_, "KV blocks in use would exceed capacity");
    used_ += blocks;
    peak_used_ = std::max(peak_used_, used_);
}

void KvBlockManager::release(int64_t blocks) {
    LLMSIM_ASSERT(blocks >= 0 && blocks <= used_, "releasing KV blocks that are not in use");
    used_ -= blocks;
}

}  // namespace llmsim::sim
