#include "policies/kv/tier_store.hpp"

namespace llmsim::policies {

void TierStore::touch(uint64_t hash) {
    auto it = index_.find(hash);
    if (it != index_.end()) lru_.splice(lru_.end(), lru_, it->second);
}

std::optional<uint64_t> TierStore::insert(uint64_t hash) {
    if (capacity_ <= 0) return hash;  // a tier that holds nothing passes every block on
    auto it = index_.find(hash);
    if (it != index_.end()) {
        lru_.splice(lru_.end(), lru_, it->second);
        return std::nullopt;
    }
    std::optional<uint64_t> out;
    if (static_cast<int64_t>(index_.size()) >= capacity_) {
        out = lru_.front();
        index_.erase(lru_.front());
        lru_.pop_front();
    }
    lru_.push_back(hash);
    index_[hash] = std::prev(lru_.end());
    return out;
}

}  // namespace llmsim::policies
