// Paged KV blocks without content identity (vLLM with prefix caching off): a request's blocks are private, so a
// counter per pool and the request's block count are the whole state. The fastest manager; the default. It also
// serves prefix caching when the workload describes no prompt content: every block's content is then unique, so a
// content-tracking cache would find nothing, publish nothing and evict nothing (its results are these, at twice the
// cost); lookups are still counted so the report shows the zero hit rate.
#include <algorithm>

#include "common/error.hpp"
#include "policies/kv/kv_managers.hpp"

namespace llmsim::policies {
namespace {

class PagedBlocks final : public sim::KvCacheManager {
  public:
    PagedBlocks(const sim::KvCacheOptions& options, bool count_lookups)
        : KvCacheManager(options), count_lookups_(count_lookups) {}

    [[nodiscard]] int64_t free_blocks() const override { return options_.capacity_blocks - used_; }
    [[nodiscard]] sim::KvUsage usage() const override { return {options_.capacity_blocks, used_, 0, peak_used_}; }
    int64_t acquire_prefix(sim::RequestState& r) override {
        if (count_lookups_ && r.cached_prompt_tokens < 0) {
            stats_.lookups += 1;
            stats_.lookup_tokens += r.prompt_tokens;
        }
        return 0;
    }
    void free(sim::RequestState& r) override {
        LLMSIM_ASSERT(r.kv_blocks() <= used_, "releasing KV blocks that are not in use");
        used_ -= r.kv_blocks();
        set_blocks(r, 0);
    }

  protected:
    bool grow(sim::RequestState& r, int64_t tokens) override {
        const int64_t need = blocks_needed(r, tokens);
        if (need > free_blocks()) return false;
        used_ += need;
        peak_used_ = std::max(peak_used_, used_);
        LLMSIM_ASSERT(used_ <= options_.capacity_blocks, "KV blocks in use would exceed capacity");
        set_blocks(r, r.kv_blocks() + static_cast<int32_t>(need));
        return true;
    }

  private:
    bool count_lookups_;
    int64_t used_ = 0;
    int64_t peak_used_ = 0;
};

}  // namespace

std::unique_ptr<sim::KvCacheManager> make_paged_blocks(const sim::KvCacheOptions& options) {
    return std::make_unique<PagedBlocks>(options, options.prefix_caching);
}

}  // namespace llmsim::policies
