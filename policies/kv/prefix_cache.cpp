// Prefix caching (vLLM V1's KVCacheManager/BlockPool, SGLang's radix cache at block granularity): blocks have
// identity, a reference count and, once full, a chained content hash. A new request references the longest chain
// of cached blocks matching its prompt (at most prompt - 1 tokens: one token is always computed, to sample from)
// and computes only the rest. Freed blocks keep their content in an LRU free queue and are evicted only when a new
// block is needed (a request's last blocks first, as vLLM frees in reverse order). With lower tiers, an evicted
// block moves to the first tier (pushing that tier's LRU block down, and off the last tier); a hit there is loaded
// back into device memory at the tier's bandwidth. Write-backs to lower tiers are asynchronous (off the critical
// path, as in LMCache/Mooncake); loads are not.
#include <algorithm>
#include <unordered_map>
#include <vector>

#include "common/error.hpp"
#include "policies/kv/block_hashes.hpp"
#include "policies/kv/kv_managers.hpp"
#include "policies/kv/tier_store.hpp"

namespace llmsim::policies {
namespace {

class PrefixCache final : public sim::KvCacheManager {
  public:
    explicit PrefixCache(const sim::KvCacheOptions& options) : KvCacheManager(options) {
        LLMSIM_ASSERT(options.capacity_blocks < INT32_MAX, "too many KV blocks for 32-bit block ids");
        const auto n = static_cast<size_t>(options.capacity_blocks);
        ref_.assign(n, 0);
        hash_.assign(n, 0);
        prev_.resize(n);
        next_.resize(n);
        for (size_t i = 0; i < n; ++i) {
            prev_[i] = static_cast<int32_t>(i) - 1;
            next_[i] = i + 1 < n ? static_cast<int32_t>(i + 1) : -1;
        }
        head_ = n > 0 ? 0 : -1;
        tail_ = n > 0 ? static_cast<int32_t>(n - 1) : -1;
        free_count_ = options.capacity_blocks;
        for (const auto& t : options.tiers)
            tiers_.emplace_back(t.capacity_blocks);
    }

    [[nodiscard]] bool tracks_content() const override { return true; }
    [[nodiscard]] int64_t free_blocks() const override { return free_count_; }
    [[nodiscard]] sim::KvUsage usage() const override {
        return {options_.capacity_blocks, options_.capacity_blocks - free_count_,
                static_cast<int64_t>(cached_.size()) - referenced_cached(), peak_used_};
    }

    [[nodiscard]] sim::PrefixMatch lookup_prefix(const sim::RequestState& r) const override {
        sim::PrefixMatch m;
        // Routers ask every replica about every request: hash into scratch space unless this replica already has.
        const std::vector<uint64_t>* cached = r.id < hashes_.size() && !hashes_[r.id].empty() ? &hashes_[r.id] : nullptr;
        if (cached == nullptr) {
            scratch_.clear();
            if (options_.segments != nullptr) block_hashes(r, *options_.segments, block_tokens(), r.total_tokens(), scratch_);
        }
        const std::vector<uint64_t>& hashes = cached != nullptr ? *cached : scratch_;
        const int64_t limit = max_hit_blocks(r);
        for (int64_t j = 0; j < limit && j < static_cast<int64_t>(hashes.size()); ++j) {
            const int tier = tier_of(hashes[static_cast<size_t>(j)]);
            if (tier < 0) break;
            m.tokens += block_tokens();
            m.tier_tokens[static_cast<size_t>(tier)] += block_tokens();
        }
        return m;
    }

    int64_t acquire_prefix(sim::RequestState& r) override {
        LLMSIM_ASSERT(r.kv_blocks() == 0, "prefix acquired by a request that holds blocks");
        const bool first = r.cached_prompt_tokens < 0;
        if (first) {
            stats_.lookups += 1;
            stats_.lookup_tokens += r.prompt_tokens;
        }
        const std::vector<uint64_t>& hashes = hashes_of(r);
        const int64_t limit = std::min<int64_t>(max_hit_blocks(r), static_cast<int64_t>(hashes.size()));
        std::vector<int32_t>& blocks = blocks_of(r);
        for (int64_t j = 0; j < limit; ++j) {
            const uint64_t h = hashes[static_cast<size_t>(j)];
            const int tier = tier_of(h);
            if (tier < 0) break;
            int32_t b = -1;
            if (tier == 0) {
                b = cached_.at(h);
                if (ref_[static_cast<size_t>(b)] == 0) unlink(b);
            } else {
                if (free_count_ == 0) break;  // no room to load it into
                b = take_free_block();
                hash_[static_cast<size_t>(b)] = h;
                cached_[h] = b;
                tiers_[static_cast<size_t>(tier - 1)].touch(h);
                charge_transfer(1, options_.tiers[static_cast<size_t>(tier - 1)].bandwidth_bytes_per_s);
            }
            ref_[static_cast<size_t>(b)] += 1;
            blocks.push_back(b);
            if (first) stats_.hit_tokens[static_cast<size_t>(tier)] += block_tokens();
        }
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
            LLMSIM_ASSERT(ref_[b] > 0, "freeing a KV block that is not referenced");
            if (--ref_[b] == 0) push_back_free(*it);
        }
        blocks.clear();
        set_blocks(r, 0);
        published_of(r) = 0;
        if (r.phase() == sim::RequestPhase::finished) {
            std::vector<uint64_t>().swap(hashes_[r.id]);
            std::vector<int32_t>().swap(blocks_[r.id]);
        }
    }

    void on_computed(const sim::RequestState& r) override {
        std::vector<int32_t>& blocks = blocks_of(r);
        size_t& published = published_of(r);
        const std::vector<uint64_t>& hashes = hashes_of(r);
        const auto full = static_cast<size_t>(std::min<int64_t>(r.kv_tokens() / block_tokens(),
                                                                static_cast<int64_t>(blocks.size())));
        for (; published < full && published < hashes.size(); ++published) {
            const uint64_t h = hashes[published];
            const auto b = static_cast<size_t>(blocks[published]);
            if (hash_[b] != 0) continue;  // already holds this content (a reused prefix block)
            // A block with the same content may already be cached (computed twice concurrently): keep that one.
            if (cached_.emplace(h, blocks[published]).second) hash_[b] = h;
        }
    }

  protected:
    bool grow(sim::RequestState& r, int64_t tokens) override {
        const int64_t need = blocks_needed(r, tokens);
        if (need > free_count_) return false;
        std::vector<int32_t>& blocks = blocks_of(r);
        for (int64_t i = 0; i < need; ++i) {
            const int32_t b = take_free_block();
            ref_[static_cast<size_t>(b)] = 1;
            blocks.push_back(b);
        }
        note_used();
        set_blocks(r, static_cast<int32_t>(blocks.size()));
        return true;
    }

  private:
    // Whole blocks a request may take from the cache: its prefill minus at least one token.
    [[nodiscard]] int64_t max_hit_blocks(const sim::RequestState& r) const {
        return (static_cast<int64_t>(r.prefill_target) - 1) / block_tokens();
    }
    // 0 = device memory, k = tiers[k-1], -1 = nowhere.
    [[nodiscard]] int tier_of(uint64_t h) const {
        if (cached_.count(h) > 0) return 0;
        for (size_t t = 0; t < tiers_.size(); ++t) {
            if (tiers_[t].contains(h)) return static_cast<int>(t) + 1;
        }
        return -1;
    }
    [[nodiscard]] const std::vector<uint64_t>& hashes_of(const sim::RequestState& r) const {
        if (hashes_.size() <= r.id) hashes_.resize(static_cast<size_t>(r.id) + 1);
        std::vector<uint64_t>& h = hashes_[r.id];
        if (h.empty() && options_.segments != nullptr) {
            block_hashes(r, *options_.segments, block_tokens(), r.total_tokens(), h);
            if (h.empty()) h.push_back(0);  // marks "computed, nothing cacheable"; 0 matches nothing
        }
        return h;
    }
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
        LLMSIM_ASSERT(head_ >= 0, "no free KV block");
        const int32_t b = head_;
        unlink(b);
        const auto i = static_cast<size_t>(b);
        if (hash_[i] != 0) evict(hash_[i]);
        hash_[i] = 0;
        return b;
    }
    void evict(uint64_t h) {
        cached_.erase(h);
        std::optional<uint64_t> down = h;
        for (size_t t = 0; t < tiers_.size() && down; ++t) {
            if (t == 0) stats_.offloaded_blocks += 1;
            down = tiers_[t].insert(*down);
        }
        if (down) stats_.evicted_blocks += 1;
    }
    void unlink(int32_t b) {
        const auto i = static_cast<size_t>(b);
        if (prev_[i] >= 0) {
            next_[static_cast<size_t>(prev_[i])] = next_[i];
        } else {
            head_ = next_[i];
        }
        if (next_[i] >= 0) {
            prev_[static_cast<size_t>(next_[i])] = prev_[i];
        } else {
            tail_ = prev_[i];
        }
        prev_[i] = next_[i] = -1;
        --free_count_;
    }
    void push_back_free(int32_t b) {
        const auto i = static_cast<size_t>(b);
        prev_[i] = tail_;
        next_[i] = -1;
        if (tail_ >= 0) {
            next_[static_cast<size_t>(tail_)] = b;
        } else {
            head_ = b;
        }
        tail_ = b;
        ++free_count_;
    }
    void note_used() { peak_used_ = std::max(peak_used_, options_.capacity_blocks - free_count_); }
    [[nodiscard]] int64_t referenced_cached() const {
        int64_t n = 0;
        for (const auto& [h, b] : cached_)
            n += ref_[static_cast<size_t>(b)] > 0 ? 1 : 0;
        return n;
    }

    std::vector<int32_t> ref_;
    std::vector<uint64_t> hash_;
    std::vector<int32_t> prev_, next_;  // free queue links (head: evicted first)
    int32_t head_ = -1, tail_ = -1;
    int64_t free_count_ = 0;
    int64_t peak_used_ = 0;
    std::unordered_map<uint64_t, int32_t> cached_;  // content hash -> device block
    std::vector<TierStore> tiers_;
    mutable std::vector<std::vector<uint64_t>> hashes_;  // by request id, computed on first use
    mutable std::vector<uint64_t> scratch_;
    std::vector<std::vector<int32_t>> blocks_;           // by request id
    std::vector<size_t> published_;                      // by request id: leading blocks already hashed
};

}  // namespace

std::unique_ptr<sim::KvCacheManager> make_prefix_cache(const sim::KvCacheOptions& options) {
    return std::make_unique<PrefixCache>(options);
}

std::unique_ptr<sim::KvCacheManager> make_kv_manager(const sim::KvCacheOptions& options) {
    return options.prefix_caching ? make_prefix_cache(options) : make_paged_blocks(options);
}

}  // namespace llmsim::policies
