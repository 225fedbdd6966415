#pragma once
// An LRU queue of ids. For the device pool, the queue of free blocks (vLLM's free block queue): blocks are appended
// when freed, taken from the front when a new block is needed (evicting whatever content it cached), and removed from
// the middle when a cached block is reused; for a lower tier, its stored blocks, touched on every hit. A ring of block
// ids with lazy removal instead of a linked list: taking n blocks reads n consecutive ids (their metadata can be
// prefetched together) instead of chasing n pointers through memory.
#include <cstddef>
#include <cstdint>
#include <vector>

namespace llmsim::policies {

class FreeQueue {
  public:
    // Ids 0 .. blocks-1; all queued in id order, or none (`filled` false).
    explicit FreeQueue(int64_t blocks, bool filled = true);

    [[nodiscard]] int64_t size() const { return live_; }
    [[nodiscard]] bool queued(int32_t b) const { return pos_[static_cast<size_t>(b)] >= 0; }
    void push_back(int32_t b);
    int32_t pop_front();
    // O(1): the block's entry becomes stale and is skipped later.
    void remove(int32_t b);
    // Calls fn(block) for up to n blocks from the front, in the order pop_front would return them.
    template <typename Fn>
    void peek(int64_t n, Fn&& fn) const {
        for (int64_t i = head_; i < tail_ && n > 0; ++i) {
            const int32_t b = ring_[static_cast<size_t>(i)];
            if (pos_[static_cast<size_t>(b)] != i) continue;
            fn(b);
            --n;
        }
    }

  private:
    void compact();

    std::vector<int32_t> ring_;  // block ids; entries before head_ are consumed
    std::vector<int64_t> pos_;   // by block: index of its live entry in ring_, -1 when not queued
    int64_t head_ = 0;
    int64_t tail_ = 0;
    int64_t live_ = 0;
};

}  // namespace llmsim::policies
