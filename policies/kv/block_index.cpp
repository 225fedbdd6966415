#include "policies/kv/block_index.hpp"

#include "common/error.hpp"

namespace llmsim::policies {

BlockIndex::BlockIndex(int64_t max_entries) : max_entries_(max_entries) {
    // At most half full keeps probe sequences short.
    size_t slots = 16;
    int bits = 4;
    while (static_cast<int64_t>(slots) < 2 * max_entries + 1) {
        slots <<= 1;
        ++bits;
    }
    LLMSIM_ASSERT(bits <= 32, "block index too large for 32-bit tags");
    slots_.assign(slots, Slot{});
    mask_ = slots - 1;
    shift_ = 64 - bits;
}

void BlockIndex::check_room() const {
    LLMSIM_ASSERT(size_ < max_entries_, "block index is full");
}

void BlockIndex::erase_at(size_t i) {
    // Backward-shift deletion: move later entries of the probe run into the hole so lookups need no tombstones.
    size_t hole = i;
    for (size_t j = (hole + 1) & mask_; slots_[j].tag != 0; j = (j + 1) & mask_) {
        const size_t h = home(slots_[j].tag);
        // Entry j may move to the hole if its home is not in (hole, j] (cyclically).
        const bool stays = hole <= j ? (hole < h && h <= j) : (hole < h || h <= j);
        if (stays) continue;
        slots_[hole] = slots_[j];
        hole = j;
    }
    slots_[hole] = Slot{};
    --size_;
}

}  // namespace llmsim::policies
