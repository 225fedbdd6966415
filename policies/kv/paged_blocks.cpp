// Paged KV blocks without content identity (vLLM with prefix caching off): a request's blocks are private, so a
// counter per pool and the request's block count are the whole state. The fastest manager; the default.
#include <algorithm>

#include "common/error.hpp"
#include "policies/kv/kv_managers.hpp"

namespace llmsim::policies {
namespace {

class PagedBlocks final : public sim::KvCacheManager {
  public:
    explicit PagedBlocks(const sim::KvCacheOptions& options) : KvCacheManager(options) {}

    [[nodiscard]] int64_t free_blocks() const override { return options_.capacity_blocks - used_; }
    [[nodiscard]] sim::KvUsage usage() const override { return {options_.capacity_blocks, used_, 0, peak_used_}; }
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
    int64_t used_ = 0;
    int64_t peak_used_ = 0;
};

}  // namespace

std::unique_ptr<sim::KvCacheManager> make_paged_blocks(const sim::KvCacheOptions& options) {
    return std::make_unique<PagedBlocks>(options);
}

}  // namespace llmsim::policies
