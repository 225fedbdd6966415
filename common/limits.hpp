#pragma once
// Upper bounds on sizes a real deployment cannot exceed, stated once. Inputs beyond them are rejected with the limit
// in the message instead of overflowing a narrower type or exhausting memory. Each limit sits well above the largest
// published system it describes, so no real configuration is refused.
#include <cstdint>

namespace llmsim::limits {

// One model-parallel group (TP, PP, CP, EP, DP, VPP): the largest published training runs use a few thousand.
inline constexpr int64_t kMaxParallelDegree = 65'536;
// GPUs in one simulated cluster (the largest announced clusters are a few hundred thousand).
inline constexpr int64_t kMaxGpus = 1'048'576;
// GPUs (or NICs) in one node.
inline constexpr int64_t kMaxNodeGpus = 1'024;
// Serving replicas of one deployment.
inline constexpr int64_t kMaxReplicas = 16'384;
// Sequences in one serving iteration (vLLM defaults to 256-1024).
inline constexpr int64_t kMaxBatchSeqs = 1'048'576;
// Tokens in one prompt, context window, iteration or training sequence (2^30).
inline constexpr int64_t kMaxTokens = 1'073'741'824;
// KV-cache block size in tokens.
inline constexpr int64_t kMaxBlockTokens = 65'536;
// Requests in one simulated run or generated trace.
inline constexpr int64_t kMaxRequests = 100'000'000;
// Sequences in one training step (published recipes use a few thousand).
inline constexpr int64_t kMaxGlobalBatch = 1'048'576;
// Entries in a derived quantile table or a ranked list.
inline constexpr int64_t kMaxTableRows = 100'000;
// Architecture integers of a model config (layers, widths, heads, experts, vocabulary, context): 2^27.
inline constexpr int64_t kMaxModelDim = 134'217'728;
// Worker threads.
inline constexpr int64_t kMaxThreads = 4'096;
// A rate in requests/s, a latency target in ms, a per-iteration host overhead in s.
inline constexpr double kMaxRatePerS = 1e9;
inline constexpr double kMaxLatencyMs = 1e9;
inline constexpr double kMaxHostOverheadS = 1.0;

}  // namespace llmsim::limits
