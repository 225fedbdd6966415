#pragma once
// Content hashes of a request's KV blocks, chained as vLLM's automatic prefix caching and SGLang's radix tree key
// them: block j's hash covers every token before it, so equal hashes mean equal prefixes. Token identities come from
// the workload's prompt segments (token k of segment s is (s, k)) and the request's output segment; a block holding
// any token of unknown (unique) content has no hash, and neither has any block after it.
#include <cstdint>
#include <vector>

#include "sim/serving/request_state.hpp"
#include "traces/workload.hpp"

namespace llmsim::policies {

// Appends the hashes of r's full blocks of `block_tokens` tokens among its first `max_tokens` tokens (prompt, then
// output) to `out`, stopping at the first block with unique content. Hashes are never 0.
void block_hashes(const sim::RequestState& r, const std::vector<traces::PromptSegment>& segments, int32_t block_tokens,
                  int64_t max_tokens, std::vector<uint64_t>& out);

}  // namespace llmsim::policies
