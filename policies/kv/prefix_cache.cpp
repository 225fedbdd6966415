// Prefix caching (vLLM V1's KVCacheManager/BlockPool, SGLang's radix cache at block granularity): blocks have
// identity, a reference count and, once full, a chained content hash. A new request references the longest chain
// of cached blocks matching its prompt (at most prompt - 1 tokens: one token is always computed, to sample from)
// and computes only the rest. Freed blocks keep their content in an LRU free queue and are evicted only when a new
// block is needed (a request's last blocks first, as vLLM frees in reverse order). With lower tiers, an evicted
// block moves to the first tier (pushing that tier's LRU block down, and off the last tier); a hit there is loaded
// back into device memory at the tier's bandwidth. Write-backs to lower tiers are asynchronous (off the critical
// path, as in LMCache/Mooncake); loads are not.
#include <algorithm>
#include <vector>

#include "common/error.hpp"
#include "policies/kv/block_hashes.hpp"
#include "policies/kv/block_index.hpp"
#include "policies/kv/free_queue.hpp"
#include "policies/kv/kv_managers.hpp"
#include "policies/kv/tier_store.hpp"

namespace llmsim::policies {
namespace {

class PrefixCache final : public sim::KvCacheManager {
    // Everything about one device block side by side: each touch of a block is one cache line.
    struct BlockMeta {
        uint64_t hash = 0;  // content, once full and published (0: none)
        int32_t ref = 0;
    };

  public:
    PrefixCache(const sim::KvCacheOptions& options, std::shared_ptr<BlockHashCache> hashes)
        : KvCacheManager(options),
          hashes_(hashes != nullptr ? std::move(hashes)
                                    : std::make_shared<BlockHashCache>(options.segments, options.block_tokens)),
          cached_(options.capacity_blocks),
          free_(options.capacity_blocks) {
        LLMSIM_ASSERT(options.capacity_blocks < INT32_MAX, "too many KV blocks for 32-bit block ids");
        const auto n = static_cast<size_t>(options.capacity_blocks);
        meta_.resize(n);
        for (const auto& t : options.tiers)
            tiers_.emplace_back(t.capacity_blocks);
    }

    [[nodiscard]] bool tracks_content() const override { return true; }
    [[nodiscard]] int64_t free_blocks() const override { return free_.size(); }
    [[nodiscard]] sim::KvUsage usage() const override {
        return {options_.capacity_blocks, options_.capacity_blocks - free_.size(), cached_count() - referenced_cached(),
                peak_used_};
    }

    [[nodiscard]] sim::PrefixMatch lookup_prefix(const sim::RequestState& r) const override {
        sim::PrefixMatch m;
        walk_cached_prefix(r, [&](uint64_t, Located at) {
            m.tokens += block_tokens();
            m.tier_tokens[static_cast<size_t>(at.tier)] += block_tokens();
            return true;
        });
        return m;
    }

    [[nodiscard]] int64_t admission_blocks(const sim::RequestState& r, int64_t tokens) const override {
        // Every block of the request comes from the free pool except device hits that someone else references
        // (a lower-tier hit is loaded into a free block).
        const int64_t all = std::max<int64_t>(0, blocks_for(tokens) - r.kv_blocks());
        if (r.kv_blocks() > 0) return all;
        int64_t shared = 0;
        walk_cached_prefix(r, [&](uint64_t, Located at) {
            shared += at.tier == 0 && meta_[static_cast<size_t>(at.block)].ref > 0 ? 1 : 0;
            return true;
        });
        return all - shared;
    }

    int64_t acquire_prefix(sim::RequestState& r) override {
        LLMSIM_ASSERT(r.kv_blocks() == 0, "prefix acquired by a request that holds blocks");
        const bool first = r.cached_prompt_tokens < 0;
        if (first) {
            stats_.lookups += 1;
            stats_.lookup_tokens += r.prompt_tokens;
        }
        std::vector<int32_t>& blocks = blocks_of(r);
        walk_cached_prefix(r, [&](uint64_t h, Located at) {
            int32_t b = at.block;
            if (at.tier == 0) {
                if (meta_[static_cast<size_t>(b)].ref == 0) free_.remove(b);
            } else {
                if (free_.size() == 0) return false;  // no room to load it into
                b = take_free_block();
                publish(h, b);
                tiers_[static_cast<size_t>(at.tier - 1)].touch(h);
                charge_transfer(1, options_.tiers[static_cast<size_t>(at.tier - 1)].bandwidth_bytes_per_s);
            }
            meta_[static_cast<size_t>(b)].ref += 1;
            blocks.push_back(b);
            if (first) stats_.hit_tokens[static_cast<size_t>(at.tier)] += block_tokens();
            return true;
        });
        note_used();
        set_blocks(r, static_cast<int32_t>(blocks.size()));
        published_of(r) = blocks.size();
        return static_cast<int64_t>(blocks.size()) * block_tokens();
    }

    void free(sim::RequestState& r) override {
        std::vector<int32_t>& blocks = blocks_of(r);
        // Reverse order: a request's last blocks reach the queue first and are evicted first.
        for (auto it = blocks.rbegin(); it != blocks.rend(); ++it) {
            const auto b = static_cast<size_t>(*it);
            LLMSIM_ASSERT(meta_[b].ref > 0, "freeing a KV block that is not referenced");
            if (--meta_[b].ref == 0) free_.push_back(*it);
        }
        blocks.clear();
        set_blocks(r, 0);
        published_of(r) = 0;
        if (r.phase() == sim::RequestPhase::finished) {
            hashes_->drop(r.id);
            std::vector<int32_t>().swap(blocks_[r.id]);
        }
    }

    void on_computed(const sim::RequestState& r) override {
        std::vector<int32_t>& blocks = blocks_of(r);
        size_t& published = published_of(r);
        const std::vector<uint64_t>& hashes = hashes_of(r);
        const auto full =
            static_cast<size_t>(std::min<int64_t>(r.kv_tokens() / block_tokens(), static_cast<int64_t>(blocks.size())));
        constexpr size_t kAhead = 8;
        const size_t end = std::min(full, hashes.size());
        for (size_t j = published; j < end && j < published + kAhead; ++j)
            cached_.prefetch(hashes[j]);
        for (; published < full && published < hashes.size(); ++published) {
            if (published + kAhead < end) cached_.prefetch(hashes[published + kAhead]);
            const uint64_t h = hashes[published];
            if (h == 0) break;  // the "nothing cacheable" marker
            const auto b = static_cast<size_t>(blocks[published]);
            if (meta_[b].hash != 0) continue;  // already holds this content (a reused prefix block)
            // A block with the same content may already be cached (computed twice concurrently): keep that one.
            publish(h, blocks[published]);
        }
    }

  protected:
    bool grow(sim::RequestState& r, int64_t tokens) override {
        const int64_t need = blocks_needed(r, tokens);
        if (need > free_.size()) return false;
        std::vector<int32_t>& blocks = blocks_of(r);
        const size_t first = blocks.size();
        for (int64_t i = 0; i < need; ++i)
            blocks.push_back(free_.pop_front());
        // Software pipeline over the taken blocks: load block i+2D's metadata, then block i+D's index slot (its
        // cached content is evicted), then evict block i, so the cache misses of a long run overlap.
        constexpr size_t kAhead = 8;
        const size_t end = blocks.size();
        // With a tier, each evicted block also pushes one of the tier's blocks out: prefetch those too, counted in
        // evictions (blocks without content evict nothing).
        TierStore* tier = tiers_.empty() ? nullptr : &tiers_.front();
        size_t evicted = 0;
        if (tier != nullptr) tier->upcoming_victims(need, victims_);
        for (size_t i = first; i < end; ++i) {
            if (i + 2 * kAhead < end) __builtin_prefetch(&meta_[static_cast<size_t>(blocks[i + 2 * kAhead])]);
            if (i + kAhead < end) {
                const uint64_t ahead = meta_[static_cast<size_t>(blocks[i + kAhead])].hash;
                if (ahead != 0) {
                    cached_.prefetch(ahead);
                    if (tier != nullptr) tier->prefetch(ahead);
                }
            }
            BlockMeta& m = meta_[static_cast<size_t>(blocks[i])];
            if (tier != nullptr && m.hash != 0) {
                if (evicted + 2 * kAhead < victims_.size()) tier->prefetch_slot(victims_[evicted + 2 * kAhead]);
                if (evicted + kAhead < victims_.size()) tier->prefetch_slot_index(victims_[evicted + kAhead]);
                ++evicted;
            }
            clear_content(m);
            m.ref = 1;
        }
        note_used();
        set_blocks(r, static_cast<int32_t>(blocks.size()));
        return true;
    }

  private:
    // The index keeps part of each hash; the block's metadata has the whole.
    [[nodiscard]] uint64_t hash_of_block(int32_t b) const { return meta_[static_cast<size_t>(b)].hash; }
    [[nodiscard]] int32_t cached_block(uint64_t h) const {
        return cached_.find(h, [this](int32_t b) { return hash_of_block(b); });
    }
    // Records that block b holds content h (sets its hash); false, nothing changed, when another block has it.
    bool publish(uint64_t h, int32_t b) {
        uint64_t& mine = meta_[static_cast<size_t>(b)].hash;
        mine = h;
        if (cached_.insert(h, b, [this](int32_t v) { return hash_of_block(v); })) return true;
        mine = 0;
        return false;
    }
    // Whole blocks a request may take from the cache: its prefill minus at least one token.
    [[nodiscard]] int64_t max_hit_blocks(const sim::RequestState& r) const {
        return (static_cast<int64_t>(r.prefill_target) - 1) / block_tokens();
    }
    // Where a block's content is: tier 0 = device memory (with its block), k = tiers[k-1], -1 = nowhere.
    struct Located {
        int tier = -1;
        int32_t block = -1;
    };
    [[nodiscard]] Located locate(uint64_t h) const {
        if (const int32_t b = cached_block(h); b >= 0) return {0, b};
        for (size_t t = 0; t < tiers_.size(); ++t) {
            if (tiers_[t].contains(h)) return {static_cast<int>(t) + 1, -1};
        }
        return {};
    }
    // Calls visit(hash, where) for each block of r's reusable prefix in order (at most prompt - 1 tokens, whole
    // blocks), until a block is cached nowhere or visit returns false. Each block is located when reached, so a
    // visit that changes the cache is seen by the next step.
    template <typename Visit>
    void walk_cached_prefix(const sim::RequestState& r, Visit&& visit) const {
        const std::vector<uint64_t>& hashes = hashes_of(r);
        const auto limit = static_cast<size_t>(std::max<int64_t>(0, max_hit_blocks(r)));
        for (size_t j = 0; j < limit && j < hashes.size(); ++j) {
            const Located at = locate(hashes[j]);
            if (at.tier < 0 || !visit(hashes[j], at)) return;
        }
    }
    [[nodiscard]] const std::vector<uint64_t>& hashes_of(const sim::RequestState& r) const { return hashes_->of(r); }
    std::vector<int32_t>& blocks_of(const sim::RequestState& r) {
        if (blocks_.size() <= r.id) {
            blocks_.resize(static_cast<size_t>(r.id) + 1);
            published_.resize(static_cast<size_t>(r.id) + 1, 0);
        }
        return blocks_[r.id];
    }
    size_t& published_of(const sim::RequestState& r) {
        blocks_of(r);
        return published_[r.id];
    }

    int32_t take_free_block() {
        const int32_t b = free_.pop_front();
        clear_content(meta_[static_cast<size_t>(b)]);
        return b;
    }
    // A block about to hold new content: what it cached is evicted (down the tiers).
    void clear_content(BlockMeta& m) {
        if (m.hash != 0) evict(m.hash);
        m.hash = 0;
    }
    void evict(uint64_t h) {
        cached_.erase(h, [this](int32_t b) { return hash_of_block(b); });
        std::optional<uint64_t> down = h;
        for (size_t t = 0; t < tiers_.size() && down; ++t) {
            if (t == 0) stats_.offloaded_blocks += 1;
            down = tiers_[t].insert(*down);
        }
        if (down) stats_.evicted_blocks += 1;
    }
    void note_used() { peak_used_ = std::max(peak_used_, options_.capacity_blocks - free_.size()); }
    [[nodiscard]] int64_t referenced_cached() const {
        int64_t n = 0;
        for (const BlockMeta& m : meta_)
            n += m.hash != 0 && m.ref > 0 ? 1 : 0;
        return n;
    }
    [[nodiscard]] int64_t cached_count() const {
        int64_t n = 0;
        for (const BlockMeta& m : meta_)
            n += m.hash != 0 ? 1 : 0;
        return n;
    }

    std::vector<BlockMeta> meta_;
    std::shared_ptr<BlockHashCache> hashes_;  // shared by the pool's managers
    BlockIndex cached_;                       // content hash -> device block
    FreeQueue free_;                          // unreferenced blocks, least recently freed first
    std::vector<int32_t> victims_;            // grow(): tier slots the coming evictions push out
    int64_t peak_used_ = 0;
    std::vector<TierStore> tiers_;
    std::vector<std::vector<int32_t>> blocks_;  // by request id
    std::vector<size_t> published_;             // by request id: leading blocks already hashed
};

}  // namespace

std::unique_ptr<sim::KvCacheManager> make_prefix_cache(const sim::KvCacheOptions& options,
                                                       std::shared_ptr<BlockHashCache> hashes) {
    return std::make_unique<PrefixCache>(options, std::move(hashes));
}

std::unique_ptr<sim::KvCacheManager> make_kv_manager(const sim::KvCacheOptions& options,
                                                     std::shared_ptr<BlockHashCache> hashes) {
    const bool content = options.segments != nullptr && !options.segments->empty();
    return options.prefix_caching && content ? make_prefix_cache(options, std::move(hashes)) : make_paged_blocks(options);
}

}  // namespace llmsim::policies
