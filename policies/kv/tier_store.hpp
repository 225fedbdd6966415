#pragma once
// One KV tier below device memory (host DRAM, CXL, SSD): an LRU set of block hashes with a capacity in blocks, as
// Mooncake's store and LMCache's backends keep evicted prefix blocks. Inserting into a full tier pushes its
// least recently used block out (the caller cascades it to the next tier or drops it). Fixed-size arrays, an
// open-addressing index and a ring LRU: no allocation after construction.
#include <cstdint>
#include <optional>
#include <vector>

#include "policies/kv/block_index.hpp"
#include "policies/kv/free_queue.hpp"

namespace llmsim::policies {

class TierStore {
  public:
    explicit TierStore(int64_t capacity_blocks);

    [[nodiscard]] bool contains(uint64_t hash) const { return slot_of(hash) >= 0; }
    // Marks a block as just used (hit).
    void touch(uint64_t hash);
    // Stores a block (touching it if present); returns the block pushed out to make room, if any.
    std::optional<uint64_t> insert(uint64_t hash);
    [[nodiscard]] int64_t size() const { return index_.size(); }
    // Starts loading what an insert of `hash` will touch.
    void prefetch(uint64_t hash) const { index_.prefetch(hash); }
    // The slots the next n inserts of new blocks will push out, in order (fewer when the tier has room), so a caller
    // can prefetch them a few inserts ahead: their hashes, then their index slots.
    void upcoming_victims(int64_t n, std::vector<int32_t>& out) const {
        out.clear();
        n -= capacity_ - used_slots_;
        if (n > 0) lru_.peek(n, [&out](int32_t s) { out.push_back(s); });
    }
    void prefetch_slot(int32_t s) const { __builtin_prefetch(&hash_[static_cast<size_t>(s)]); }
    void prefetch_slot_index(int32_t s) const { index_.prefetch(hash_[static_cast<size_t>(s)]); }

  private:
    [[nodiscard]] int32_t slot_of(uint64_t hash) const {
        return index_.find(hash, [this](int32_t s) { return hash_[static_cast<size_t>(s)]; });
    }

    int64_t capacity_;
    BlockIndex index_;            // hash -> slot
    std::vector<uint64_t> hash_;  // by slot
    FreeQueue lru_;               // slots, least recently used first
    int32_t used_slots_ = 0;
};

}  // namespace llmsim::policies
