#include "policies/kv/block_hashes.hpp"

#include <algorithm>

namespace llmsim::policies {
namespace {

uint64_t mix(uint64_t h, uint64_t v) {
    // splitmix64 finaliser over the running hash and the next word.
    uint64_t z = h ^ (v + 0x9E3779B97F4A7C15ULL + (h << 6) + (h >> 2));
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

// One word per piece of a block: which content, where in it, how many tokens.
uint64_t piece(uint64_t id, int64_t offset, int64_t tokens) {
    return id ^ (static_cast<uint64_t>(offset) * 0xC2B2AE3D27D4EB4FULL) ^ (static_cast<uint64_t>(tokens) << 48);
}

}  // namespace

void block_hashes(const sim::RequestState& r, const std::vector<traces::PromptSegment>& segments, int32_t block_tokens,
                  int64_t max_tokens, std::vector<uint64_t>& out) {
    const int64_t prompt = r.prompt_tokens;
    uint64_t h = 0x6C6C6D73696D4B56ULL;
    size_t si = 0;          // current segment (relative to r.segment_offset)
    int64_t seg_start = 0;  // prompt position of its first token
    const size_t count = r.segment_count;
    const traces::PromptSegment* segs = count > 0 ? &segments[r.segment_offset] : nullptr;
    for (int64_t lo = 0; lo + block_tokens <= max_tokens; lo += block_tokens) {
        const int64_t hi = lo + block_tokens;
        uint64_t x = h;
        for (int64_t p = lo; p < hi;) {
            if (p < prompt) {
                while (si < count && seg_start + segs[si].tokens <= p) {
                    seg_start += segs[si].tokens;
                    ++si;
                }
                if (si >= count) return;  // past the described prompt: unique content
                const int64_t take = std::min({hi, seg_start + segs[si].tokens, prompt}) - p;
                x = mix(x, piece(segs[si].id, p - seg_start, take));
                p += take;
            } else {
                if (r.output_segment == 0) return;
                const int64_t take = hi - p;
                x = mix(x, piece(r.output_segment, p - prompt, take));
                p += take;
            }
        }
        h = x == 0 ? 1 : x;
        out.push_back(h);
    }
}

const std::vector<uint64_t>& BlockHashCache::of(const sim::RequestState& r) {
    if (by_id_.size() <= r.id) by_id_.resize(static_cast<size_t>(r.id) + 1);
    std::vector<uint64_t>& h = by_id_[r.id];
    if (h.empty()) {
        if (segments_ != nullptr) block_hashes(r, *segments_, block_tokens_, r.total_tokens(), h);
        if (h.empty()) h.push_back(0);
    }
    return h;
}

void BlockHashCache::drop(uint32_t id) {
    if (id < by_id_.size()) std::vector<uint64_t>().swap(by_id_[id]);
}

}  // namespace llmsim::policies
