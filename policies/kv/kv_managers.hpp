#pragma once
// KV cache manager implementations (one per file) and the choice between them.
#include <memory>

#include "policies/kv/block_hashes.hpp"
#include "sim/serving/kv_cache.hpp"

namespace llmsim::policies {

// Private paged blocks, no content identity (prefix caching off, or on over a workload without prompt content).
std::unique_ptr<sim::KvCacheManager> make_paged_blocks(const sim::KvCacheOptions& options);
// Hashed, reference-counted blocks with LRU reuse of free cached blocks and optional lower tiers (prefix caching on).
// `hashes` may be shared by the managers of a pool (null: a private one).
std::unique_ptr<sim::KvCacheManager> make_prefix_cache(const sim::KvCacheOptions& options,
                                                       std::shared_ptr<BlockHashCache> hashes = nullptr);
// The manager the options call for: the prefix cache only when caching is on and the workload has content to match.
std::unique_ptr<sim::KvCacheManager> make_kv_manager(const sim::KvCacheOptions& options,
                                                     std::shared_ptr<BlockHashCache> hashes = nullptr);

}  // namespace llmsim::policies
