#pragma once
// A workload is a list of requests: when each arrives and how many prompt/output tokens it has.
// Readers (traces/formats/*) and generators (traces/synthetic/*) produce it; simulators consume it.
#include <cstdint>
#include <string>
#include <vector>

namespace llmsim::traces {

struct RequestSpec {
    int64_t arrival_ns = -1;  // -1: the source had no timestamp (lengths-only); arrivals must be synthesised
    int32_t prompt_tokens = 0;
    int32_t output_tokens = 0;
    uint32_t hash_offset = 0;  // prefix-block hash ids in Workload::hash_ids[hash_offset, +hash_count)
    uint32_t hash_count = 0;
};

struct Workload {
    std::vector<RequestSpec> requests;  // sorted by arrival when has_timestamps
    std::vector<uint64_t> hash_ids;     // pooled prefix-block hashes (Mooncake), empty otherwise
    int32_t hash_block_tokens = 0;      // tokens per hash block (512 for Mooncake FAST'25), 0 if none
    bool has_timestamps = false;
    std::string source;  // human-readable origin ("azure:path/to/file.csv", "synthetic:poisson")
    // Things the reader or generator adjusted that a user should hear about (clamped output lengths, skipped
    // failed rows, re-sorted timestamps); `llmsim run` prints them as warnings. Empty when nothing was changed.
    std::vector<std::string> notes;
};

}  // namespace llmsim::traces
