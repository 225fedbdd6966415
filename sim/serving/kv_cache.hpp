#pragma once
// The KV cache manager seam: the one owner of a replica's (or virtual engine's) device KV blocks. It keeps the
// request -> blocks map, block identity, reference counts and content hashes where the implementation caches
// (policies/kv/), host swap space, and the time spent moving KV between tiers. Schedulers ask it; they never count
// blocks themselves. RequestState::kv_blocks() mirrors the blocks a request holds and only this class writes it.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "models/kv_retention.hpp"
#include "sim/serving/request_state.hpp"
#include "sim/serving/serving_defaults.hpp"
#include "traces/workload.hpp"

namespace llmsim::sim {

// Tier 0 is device memory (HBM); lower tiers (host DRAM, CXL, SSD) hold blocks evicted from the tier above.
inline constexpr int kMaxKvTiers = 4;

struct KvTier {
    std::string name;
    int64_t capacity_blocks = 0;
    double bandwidth_bytes_per_s = 0;  // tier <-> device transfers (already limited by the device's host link)
};

// How a manager is set up; the same for every replica of a pool.
struct KvCacheOptions {
    int64_t capacity_blocks = 0;  // device blocks
    int32_t block_tokens = defaults::block_tokens;
    double block_bytes = 0;  // KV bytes of one block on one GPU (all GPUs of a replica move their shards in parallel)
    bool prefix_caching = false;
    std::vector<KvTier> tiers;  // below HBM, fastest first (prefix caching: evicted blocks; swap: tiers[0])
    // Host swap space when no tier is given (vLLM's default swap_space per GPU), and its link.
    double swap_bytes = defaults::swap_space_gib * 1024.0 * 1024 * 1024;
    double host_link_bytes_per_s = 0;
    // Loads from lower tiers overlap the prefill layer by layer (LMCache/Mooncake layerwise retrieval) instead of
    // completing before it.
    bool layerwise_load = false;
    // The workload's pooled prompt content (set by the cluster), which content-tracking managers hash.
    const std::vector<traces::PromptSegment>* segments = nullptr;
    // A KV policy's limits: a request of n tokens holds the blocks of retention.stored_tokens(n) tokens.
    models::KvRetention retention;
};

struct KvUsage {
    int64_t capacity_blocks = 0;
    int64_t used_blocks = 0;    // referenced by requests
    int64_t cached_blocks = 0;  // unreferenced but holding reusable content (evictable)
    int64_t peak_used_blocks = 0;
};

// A prefix found in the cache: tokens per tier (tier 0 = HBM), in prompt order.
struct PrefixMatch {
    int64_t tokens = 0;
    std::array<int64_t, kMaxKvTiers + 1> tier_tokens{};
};

// Running totals for reports.
struct KvCacheStats {
    int64_t lookups = 0;        // first admissions looked up
    int64_t lookup_tokens = 0;  // their prompt tokens
    std::array<int64_t, kMaxKvTiers + 1> hit_tokens{};
    int64_t evicted_blocks = 0;  // dropped from the last tier (or from HBM without tiers)
    int64_t offloaded_blocks = 0;
    int64_t swapped_out_blocks = 0;
    int64_t swapped_in_blocks = 0;
    double transfer_ns = 0;

    KvCacheStats& operator+=(const KvCacheStats& o) {
        lookups += o.lookups;
        lookup_tokens += o.lookup_tokens;
        for (size_t t = 0; t < hit_tokens.size(); ++t)
            hit_tokens[t] += o.hit_tokens[t];
        evicted_blocks += o.evicted_blocks;
        offloaded_blocks += o.offloaded_blocks;
        swapped_out_blocks += o.swapped_out_blocks;
        swapped_in_blocks += o.swapped_in_blocks;
        transfer_ns += o.transfer_ns;
        return *this;
    }
};

class KvCacheManager {
  public:
    explicit KvCacheManager(const KvCacheOptions& options);
    virtual ~KvCacheManager() = default;
    KvCacheManager(const KvCacheManager&) = delete;
    KvCacheManager& operator=(const KvCacheManager&) = delete;

    [[nodiscard]] int32_t block_tokens() const { return options_.block_tokens; }
    [[nodiscard]] int64_t capacity() const { return options_.capacity_blocks; }
    [[nodiscard]] const KvCacheOptions& options() const { return options_; }
    [[nodiscard]] int64_t blocks_for(int64_t tokens) const {
        const int64_t stored = options_.retention.active ? options_.retention.stored_tokens(tokens) : tokens;
        return (stored + options_.block_tokens - 1) / options_.block_tokens;
    }
    // Hot path: whether r's blocks already cover `tokens` (no division).
    [[nodiscard]] bool covers(const RequestState& r, int64_t tokens) const {
        const int64_t stored = options_.retention.active ? options_.retention.stored_tokens(tokens) : tokens;
        return stored <= static_cast<int64_t>(r.kv_blocks_) * options_.block_tokens;
    }
    [[nodiscard]] int64_t blocks_needed(const RequestState& r, int64_t tokens) const {
        const int64_t need = blocks_for(tokens) - r.kv_blocks_;
        return need > 0 ? need : 0;
    }
    // Whether allocate(r, tokens) would succeed and still leave `keep_free` blocks allocatable.
    [[nodiscard]] bool can_allocate(const RequestState& r, int64_t tokens, int64_t keep_free = 0) const {
        return blocks_needed(r, tokens) + keep_free <= free_blocks();
    }
    // Grows r's KV to cover `tokens`; false (and nothing changed) when the pool is short.
    bool allocate(RequestState& r, int64_t tokens) { return covers(r, tokens) || grow(r, tokens); }

    // Blocks allocatable now: never used plus cached ones that may be evicted.
    [[nodiscard]] virtual int64_t free_blocks() const = 0;
    [[nodiscard]] virtual KvUsage usage() const = 0;
    // The cached prefix of r's prefill (per tier), without changing anything. Default: no caching.
    [[nodiscard]] virtual PrefixMatch lookup_prefix(const RequestState& r) const;
    // Blocks admitting r with KV for `tokens` tokens would take from the free pool, cached prefix included (a cached
    // block that nobody references is in the free pool too, so reusing it takes one). Changes nothing.
    [[nodiscard]] virtual int64_t admission_blocks(const RequestState& r, int64_t tokens) const {
        return blocks_needed(r, tokens);
    }
    // Called once per admission before r's first allocation: references the cached prefix (loading lower-tier
    // blocks into HBM, which costs transfer time) and returns the tokens whose KV now exists: block-aligned and
    // less than r.prefill_target (one token is always computed, to sample from). 0 without caching.
    virtual int64_t acquire_prefix(RequestState& r);
    // Releases r's device blocks; cached content stays reusable where the implementation caches.
    virtual void free(RequestState& r) = 0;
    // After an iteration r's KV covers r.kv_tokens(): blocks that became full may be published for reuse.
    virtual void on_computed(const RequestState& /*r*/) {}
    // Whether on_computed does anything (the replica skips the calls otherwise).
    [[nodiscard]] virtual bool tracks_content() const { return false; }

    // Disaggregation: `holder` (a copy of r, same id) takes over the blocks r holds in this manager, so r can hold
    // blocks on another replica while this one keeps its copy until the transfer lands; free(holder) releases them.
    static void hand_over(RequestState& r, RequestState& holder) {
        LLMSIM_ASSERT(holder.id == r.id && holder.kv_blocks_ == r.kv_blocks_, "a KV holder must be a copy of r");
        r.kv_blocks_ = 0;
    }

    // Swap preemption: moves r's device KV to host memory (false, nothing changed, when host space is short).
    bool swap_out(RequestState& r);
    // Brings a swapped request's KV back (false when the device pool is short).
    bool swap_in(RequestState& r);
    [[nodiscard]] bool can_swap_in(const RequestState& r, int64_t keep_free = 0) const;

    // KV transfer time accumulated since the last call (tier loads, swaps), then reset.
    int64_t take_transfer_ns() {
        const int64_t t = pending_transfer_ns_;
        pending_transfer_ns_ = 0;
        return t;
    }
    [[nodiscard]] const KvCacheStats& stats() const { return stats_; }
    [[nodiscard]] int64_t swap_capacity_blocks() const { return swap_capacity_blocks_; }

  protected:
    virtual bool grow(RequestState& r, int64_t tokens) = 0;
    static void set_blocks(RequestState& r, int32_t blocks) { r.kv_blocks_ = blocks; }
    // Charges moving `blocks` blocks over a link of `bytes_per_s`.
    void charge_transfer(int64_t blocks, double bytes_per_s);

    KvCacheOptions options_;
    KvCacheStats stats_;

  private:
    int64_t swap_capacity_blocks_ = 0;
    int64_t swap_used_blocks_ = 0;
    double swap_bytes_per_s_ = 0;
    int64_t pending_transfer_ns_ = 0;
    std::vector<int32_t> swapped_blocks_;  // by request id: blocks held in host swap space
};

}  // namespace llmsim::sim
