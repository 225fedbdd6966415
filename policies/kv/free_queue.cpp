#include "policies/kv/free_queue.hpp"

#include "common/error.hpp"

namespace llmsim::policies {

FreeQueue::FreeQueue(int64_t blocks, bool filled) {
    // Room for twice the blocks: stale entries are compacted away before the ring fills.
    ring_.resize(static_cast<size_t>(2 * blocks + 16));
    pos_.assign(static_cast<size_t>(blocks), -1);
    for (int64_t b = 0; filled && b < blocks; ++b)
        push_back(static_cast<int32_t>(b));
}

void FreeQueue::push_back(int32_t b) {
    LLMSIM_ASSERT(pos_[static_cast<size_t>(b)] < 0, "block queued twice");
    if (tail_ == static_cast<int64_t>(ring_.size())) compact();
    ring_[static_cast<size_t>(tail_)] = b;
    pos_[static_cast<size_t>(b)] = tail_++;
    ++live_;
}

int32_t FreeQueue::pop_front() {
    while (head_ < tail_) {
        const int32_t b = ring_[static_cast<size_t>(head_)];
        if (pos_[static_cast<size_t>(b)] == head_) {
            pos_[static_cast<size_t>(b)] = -1;
            ++head_;
            --live_;
            return b;
        }
        ++head_;  // stale: the block was reused while free
    }
    LLMSIM_ASSERT(false, "no free KV block");
    return -1;
}

void FreeQueue::remove(int32_t b) {
    LLMSIM_ASSERT(pos_[static_cast<size_t>(b)] >= 0, "removing a block that is not free");
    pos_[static_cast<size_t>(b)] = -1;
    --live_;
}

void FreeQueue::compact() {
    int64_t out = 0;
    for (int64_t i = head_; i < tail_; ++i) {
        const int32_t b = ring_[static_cast<size_t>(i)];
        if (pos_[static_cast<size_t>(b)] != i) continue;
        ring_[static_cast<size_t>(out)] = b;
        pos_[static_cast<size_t>(b)] = out++;
    }
    head_ = 0;
    tail_ = out;
    LLMSIM_ASSERT(tail_ < static_cast<int64_t>(ring_.size()), "free queue has more live entries than blocks");
}

}  // namespace llmsim::policies
