#pragma once
// One KV tier below device memory (host DRAM, CXL, SSD): an LRU set of block hashes with a capacity in blocks, as
// Mooncake's store and LMCache's backends keep evicted prefix blocks. Inserting into a full tier pushes its
// least recently used block out (the caller cascades it to the next tier or drops it).
#include <cstdint>
#include <list>
#include <optional>
#include <unordered_map>

namespace llmsim::policies {

class TierStore {
  public:
    explicit TierStore(int64_t capacity_blocks) : capacity_(capacity_blocks) {}

    [[nodiscard]] bool contains(uint64_t hash) const { return index_.count(hash) > 0; }
    // Marks a block as just used (hit).
    void touch(uint64_t hash);
    // Stores a block (touching it if present); returns the block pushed out to make room, if any.
    std::optional<uint64_t> insert(uint64_t hash);
    [[nodiscard]] int64_t size() const { return static_cast<int64_t>(index_.size()); }
    [[nodiscard]] int64_t capacity() const { return capacity_; }

  private:
    int64_t capacity_;
    std::list<uint64_t> lru_;  // front: least recently used
    std::unordered_map<uint64_t, std::list<uint64_t>::iterator> index_;
};

}  // namespace llmsim::policies
