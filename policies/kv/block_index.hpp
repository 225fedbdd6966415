#pragma once
// Content hash -> slot map for the prefix cache and its tiers: open addressing with linear probing and
// backward-shift deletion, sized once for the most entries it can hold (a pool never caches more hashes than it has
// blocks), so it never rehashes or allocates after construction. Keys are never 0 (0 marks an empty slot).
#include <cstddef>
#include <cstdint>
#include <vector>

namespace llmsim::policies {

class BlockIndex {
  public:
    explicit BlockIndex(int64_t max_entries);

    [[nodiscard]] int32_t find(uint64_t key) const {
        for (size_t i = home(key);; i = (i + 1) & mask_) {
            if (slots_[i].key == key) return slots_[i].value;
            if (slots_[i].key == 0) return -1;
        }
    }
    [[nodiscard]] bool contains(uint64_t key) const { return find(key) >= 0; }
    // Starts loading a key's home slot: callers about to touch many keys prefetch them all first, so the cache
    // misses overlap instead of queueing one after another.
    void prefetch(uint64_t key) const { __builtin_prefetch(&slots_[home(key)]); }
    // False (nothing changed) when the key is present.
    bool insert(uint64_t key, int32_t value);
    // No-op when absent.
    void erase(uint64_t key);
    [[nodiscard]] int64_t size() const { return size_; }

  private:
    [[nodiscard]] size_t home(uint64_t key) const {
        return static_cast<size_t>((key * 0x9E3779B97F4A7C15ULL) >> shift_) & mask_;
    }
    // Key and value side by side: one cache line per probe.
    struct Slot {
        uint64_t key = 0;
        int32_t value = -1;
    };
    std::vector<Slot> slots_;
    size_t mask_ = 0;
    int shift_ = 0;
    int64_t size_ = 0;
    int64_t max_entries_ = 0;
};

}  // namespace llmsim::policies
