#pragma once
// Content hash -> slot map for the prefix cache and its tiers: open addressing with linear probing and
// backward-shift deletion, sized once for the most entries it can hold (a pool never caches more hashes than it has
// blocks), so it never rehashes or allocates after construction. Each slot keeps 32 bits of the hash (the probe
// position derives from them) and the value; the full hash lives with the owner (the block's metadata, the tier's
// slot) and `key_of(value)` confirms a match, so the table is half the size of one holding 64-bit keys: these
// tables are touched at random once per block, and their size decides how much of them stays in cache.
#include <cstddef>
#include <cstdint>
#include <vector>

namespace llmsim::policies {

class BlockIndex {
  public:
    explicit BlockIndex(int64_t max_entries);

    // The value stored under `key`, or -1.
    template <typename KeyOf>
    [[nodiscard]] int32_t find(uint64_t key, KeyOf&& key_of) const {
        const uint32_t tag = tag_of(key);
        for (size_t i = home(tag);; i = (i + 1) & mask_) {
            const Slot& s = slots_[i];
            if (s.tag == tag && key_of(s.value) == key) return s.value;
            if (s.tag == 0) return -1;
        }
    }
    // False (nothing changed) when the key is present.
    template <typename KeyOf>
    bool insert(uint64_t key, int32_t value, KeyOf&& key_of) {
        const uint32_t tag = tag_of(key);
        size_t i = home(tag);
        for (; slots_[i].tag != 0; i = (i + 1) & mask_) {
            if (slots_[i].tag == tag && key_of(slots_[i].value) == key) return false;
        }
        check_room();
        slots_[i] = {tag, value};
        ++size_;
        return true;
    }
    // Removes the entry holding `value` under `key` (no-op when absent). key_of must still answer `key` for it.
    template <typename KeyOf>
    void erase(uint64_t key, KeyOf&& key_of) {
        const uint32_t tag = tag_of(key);
        size_t i = home(tag);
        for (; !(slots_[i].tag == tag && key_of(slots_[i].value) == key); i = (i + 1) & mask_) {
            if (slots_[i].tag == 0) return;
        }
        erase_at(i);
    }
    // Starts loading a key's home slot: callers about to touch many keys prefetch them ahead of use, so the cache
    // misses overlap instead of queueing one after another.
    void prefetch(uint64_t key) const { __builtin_prefetch(&slots_[home(tag_of(key))]); }
    [[nodiscard]] int64_t size() const { return size_; }

  private:
    struct Slot {
        uint32_t tag = 0;  // 0: empty
        int32_t value = -1;
    };
    static uint32_t tag_of(uint64_t key) {
        const auto t = static_cast<uint32_t>(key >> 32) ^ static_cast<uint32_t>(key);
        return t != 0 ? t : 1;
    }
    [[nodiscard]] size_t home(uint32_t tag) const {
        return static_cast<size_t>((static_cast<uint64_t>(tag) * 0x9E3779B97F4A7C15ULL) >> shift_) & mask_;
    }
    void erase_at(size_t i);
    void check_room() const;

    std::vector<Slot> slots_;
    size_t mask_ = 0;
    int shift_ = 0;
    int64_t size_ = 0;
    int64_t max_entries_ = 0;
};

}  // namespace llmsim::policies
