#include "policies/kv/tier_store.hpp"

#include "common/error.hpp"

namespace llmsim::policies {

TierStore::TierStore(int64_t capacity_blocks)
    : capacity_(capacity_blocks), index_(capacity_blocks), lru_(capacity_blocks, /*filled=*/false) {
    LLMSIM_ASSERT(capacity_blocks >= 0 && capacity_blocks < INT32_MAX, "tier capacity out of range");
    hash_.assign(static_cast<size_t>(capacity_blocks), 0);
}

void TierStore::touch(uint64_t hash) {
    const int32_t s = slot_of(hash);
    if (s < 0) return;
    lru_.remove(s);
    lru_.push_back(s);
}

std::optional<uint64_t> TierStore::insert(uint64_t hash) {
    if (capacity_ <= 0) return hash;  // a tier that holds nothing passes every block on
    const int32_t present = slot_of(hash);
    if (present >= 0) {
        lru_.remove(present);
        lru_.push_back(present);
        return std::nullopt;
    }
    std::optional<uint64_t> out;
    int32_t s = 0;
    if (used_slots_ < capacity_) {
        s = used_slots_++;
    } else {
        s = lru_.pop_front();
        out = hash_[static_cast<size_t>(s)];
        index_.erase(*out, [this](int32_t v) { return hash_[static_cast<size_t>(v)]; });
    }
    hash_[static_cast<size_t>(s)] = hash;
    index_.insert(hash, s, [this](int32_t v) { return hash_[static_cast<size_t>(v)]; });
    lru_.push_back(s);
    return out;
}

}  // namespace llmsim::policies
