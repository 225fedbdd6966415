#pragma once
// Paged KV-cache accounting for one replica: a pool of fixed-size blocks (vLLM's PagedAttention layout).
#include <cstdint>

namespace llmsim::sim {

class KvBlockManager {
  public:
    KvBlockManager(int64_t capacity_blocks, int32_t block_tokens);

    [[nodiscard]] int64_t blocks_for(int64_t tokens) const { return (tokens + block_tokens_ - 1) / block_tokens_; }
    [[nodiscard]] bool can_allocate(int64_t blocks) const { return blocks <= free_blocks(); }
    // Allocation beyond capacity is a scheduler bug: always-on check.
    void allocate(int64_t blocks);
    void release(int64_t blocks);

    [[nodiscard]] int64_t capacity() const { return capacity_; }
    [[nodiscard]] int64_t used() const { return used_; }
    [[nodiscard]] int64_t free_blocks() const { return capacity_ - used_; }
    [[nodiscard]] int32_t block_tokens() const { return block_tokens_; }
    [[nodiscard]] int64_t peak_used() const { return peak_used_; }

  private:
    int64_t capacity_;
    int32_t block_tokens_;
    int64_t used_ = 0;
    int64_t peak_used_ = 0;
};

}  // namespace llmsim::sim
