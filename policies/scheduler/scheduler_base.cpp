// Shared mechanics of the scheduler policies: running-list upkeep, KV reservation, recompute preemption.
#include <algorithm>
#include <cmath>

#include "common/error.hpp"
#include "policies/scheduler/scheduler.hpp"

namespace llmsim::policies {

void Scheduler::compact_running() {
    running_.erase(std::remove_if(running_.begin(), running_.end(),
                                  [](const sim::RequestState* r) {
                                      return r->phase == sim::RequestPhase::finished ||
                                             r->phase == sim::RequestPhase::waiting;
                                  }),
                   running_.end());
}

int64_t Scheduler::watermark_blocks(const sim::KvBlockManager& kv) const {
    return static_cast<int64_t>(std::floor(limits_.watermark * static_cast<double>(kv.capacity())));
}

bool Scheduler::reserve_tokens(sim::RequestState& r, int64_t tokens, sim::KvBlockManager& kv) {
    // Hot path (every decode, every iteration): most steps need no new block; avoid the division.
    if (tokens <= static_cast<int64_t>(r.kv_blocks) * kv.block_tokens()) return true;
    const int64_t need = kv.blocks_for(tokens) - r.kv_blocks;
    if (need <= 0) return true;
    if (!kv.can_allocate(need)) return false;
    kv.allocate(need);
    r.kv_blocks += static_cast<int32_t>(need);
    return true;
}

sim::RequestState* Scheduler::preempt_newest(SchedulerContext& ctx) {
    for (auto it = running_.rbegin(); it != running_.rend(); ++it) {
        sim::RequestState* r = *it;
        if (r->in_flight || r->phase != sim::RequestPhase::running) continue;
        ctx.preempt(*r);  // frees KV, resets progress, phase -> waiting
        waiting_.push_front(r);
        running_.erase(std::next(it).base());
        return r;
    }
    return nullptr;
}

sim::RequestState& Scheduler::admit_front() {
    LLMSIM_ASSERT(!waiting_.empty(), "admit from an empty queue");
    sim::RequestState* r = waiting_.front();
    waiting_.pop_front();
    r->phase = sim::RequestPhase::running;
    running_.push_back(r);
    return *r;
}

}  // namespace llmsim::policies
