#pragma once
// A workload is a list of requests: when each arrives, how many prompt/output tokens it has, and (when the source
// says) what its prompt is made of, so that requests sharing content can share cached KV.
// Readers (traces/formats/*) and generators (traces/synthetic/*, traces/inference_perf/*) produce it; simulators
// consume it.
#include <cstdint>
#include <string>
#include <vector>

namespace llmsim::traces {

// A run of prompt tokens with one content identity: token k of the run is (id, k). Two requests whose prompts begin
// with the same runs begin with the same tokens. Ids are opaque (Mooncake hash ids, generator-assigned ids); 0 is
// reserved for "unique content" and never appears in Workload::segments.
struct PromptSegment {
    uint64_t id = 0;
    int32_t tokens = 0;
};

struct RequestSpec {
    int64_t arrival_ns = -1;  // -1: the source had no timestamp (lengths-only); arrivals must be synthesised
    int32_t prompt_tokens = 0;
    int32_t output_tokens = 0;
    // Workload::segments[segment_offset, +segment_count) describe the prompt's first tokens in order (their token
    // sum is at most prompt_tokens; tokens past them are unique to this request). Count 0: the whole prompt is unique.
    uint32_t segment_offset = 0;
    uint32_t segment_count = 0;
    // Content id of the generated tokens (0: unique), so a later request that quotes them (the next turn of a chat)
    // can reuse their KV.
    uint64_t output_segment = 0;
    // Index of an earlier request this one is sent only after (the previous turn of a multi-turn chat, when the
    // client waits for the answer); -1: none. Its arrival is then max(arrival_ns, that request's finish).
    int32_t after = -1;
    int32_t stage = -1;  // index into Workload::stages of the load stage that sent it; -1 when there are no stages
};

// One load stage of an inference-perf style workload (requests/s held for duration_s).
struct LoadStage {
    double rate_rps = 0;
    double duration_s = 0;
};

struct Workload {
    std::vector<RequestSpec> requests;    // sorted by arrival when has_timestamps
    std::vector<PromptSegment> segments;  // pooled prompt content runs, empty when no source carries reuse
    std::vector<LoadStage> stages;        // empty unless the workload has load stages
    bool has_timestamps = false;
    std::string source;  // human-readable origin ("azure:path/to/file.csv", "synthetic:poisson")
    // Things the reader or generator adjusted that a user should hear about (clamped output lengths, skipped
    // failed rows, re-sorted timestamps); `llmsim run` prints them as warnings. Empty when nothing was changed.
    std::vector<std::string> notes;
};

}  // namespace llmsim::traces
