#pragma once
// Content hashes of a request's KV blocks, chained as vLLM's automatic prefix caching and SGLang's radix tree key
// them: block j's hash covers every token before it, so equal hashes mean equal prefixes. Token identities come from
// the workload's prompt segments (token k of segment s is (s, k)) and the request's output segment; a block holding
// any token of unknown (unique) content has no hash, and neither has any block after it.
#include <cstdint>
#include <memory>
#include <vector>

#include "sim/serving/request_state.hpp"
#include "traces/workload.hpp"

namespace llmsim::policies {

// Appends the hashes of r's full blocks of `block_tokens` tokens among its first `max_tokens` tokens (prompt, then
// output) to `out`, stopping at the first block with unique content. Hashes are never 0.
void block_hashes(const sim::RequestState& r, const std::vector<traces::PromptSegment>& segments, int32_t block_tokens,
                  int64_t max_tokens, std::vector<uint64_t>& out);

// Block hashes per request, computed once and shared by every KV manager of a pool (a cache-aware router asks each
// replica about each request). The replica that serves a request drops its entry when the request finishes.
class BlockHashCache {
  public:
    BlockHashCache(const std::vector<traces::PromptSegment>* segments, int32_t block_tokens)
        : segments_(segments), block_tokens_(block_tokens) {}
    // r's block hashes (a single 0 when nothing is cacheable: 0 matches nothing and ends every chain).
    const std::vector<uint64_t>& of(const sim::RequestState& r);
    void drop(uint32_t id);

  private:
    const std::vector<traces::PromptSegment>* segments_;
    int32_t block_tokens_;
    std::vector<std::vector<uint64_t>> by_id_;
};

}  // namespace llmsim::policies
