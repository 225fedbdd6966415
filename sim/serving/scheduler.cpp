// Shared mechanics of the scheduler policies: running-list upkeep, admission through the KV cache manager,
// preemption through the replica's policy, swap-in.
#include "sim/serving/scheduler.hpp"

#include <algorithm>
#include <cmath>
#include <iterator>

#include "common/error.hpp"

namespace llmsim::sim {

void Scheduler::compact_running() {
    preempted_this_step_ = 0;
    running_.erase(std::remove_if(running_.begin(), running_.end(),
                                  [](const RequestState* r) { return r->phase() != RequestPhase::running; }),
                   running_.end());
}

int64_t Scheduler::watermark_blocks(const KvCacheManager& kv) const {
    return static_cast<int64_t>(std::floor(limits_.watermark * static_cast<double>(kv.capacity())));
}

RequestState* Scheduler::try_admit_front(SchedulerContext& ctx, int64_t reserve_tokens, int64_t keep_free) {
    LLMSIM_ASSERT(!waiting_.empty(), "admit from an empty queue");
    RequestState& r = *waiting_.front();
    KvCacheManager& kv = ctx.kv();
    // Decide before touching the cache: a head-of-line request that does not fit is retried every iteration.
    if (kv.admission_blocks(r, reserve_tokens) + keep_free > kv.free_blocks()) return nullptr;
    const int64_t reused = r.prefilled == 0 ? kv.acquire_prefix(r) : 0;
    if (!kv.can_allocate(r, reserve_tokens, keep_free) || !kv.allocate(r, reserve_tokens)) {
        kv.free(r);  // gives back the prefix it referenced
        kv.take_transfer_ns();
        return nullptr;
    }
    waiting_.pop_front();
    ctx.admitted(r, reused);
    running_.push_back(&r);
    return &r;
}

void Scheduler::adopt(RequestState& r, SchedulerContext& ctx) {
    LLMSIM_ASSERT(r.prefill_done() && r.phase() == RequestPhase::waiting, "adopting a request that is not prefilled");
    ctx.admitted(r, 0);
    running_.push_back(&r);
}

RequestState* Scheduler::preempt_one(SchedulerContext& ctx) {
    const int64_t i = ctx.choose_victim(running_);
    if (i < 0) return nullptr;
    RequestState* r = running_[static_cast<size_t>(i)];
    LLMSIM_ASSERT(!r->in_flight && r->phase() == RequestPhase::running, "victim is not an idle running request");
    ++preempted_this_step_;
    if (ctx.preempt(*r) == PreemptMode::recompute) {
        waiting_.push_front(r);
    } else {
        swapped_.push_back(r);
    }
    // Left in running_ until the next compact_running(): the caller may be iterating over it.
    return r;
}

bool Scheduler::reserve_slow(RequestState& r, int64_t tokens, KvCacheManager& kv, SchedulerContext& ctx) {
    while (!kv.allocate(r, tokens)) {
        const RequestState* victim = preempt_one(ctx);
        if (victim == nullptr || victim == &r) return false;
    }
    return true;
}

void Scheduler::resume_swapped(SchedulerContext& ctx, int64_t keep_free) {
    KvCacheManager& kv = ctx.kv();
    while (!swapped_.empty() && static_cast<int64_t>(running_.size()) < limits_.max_batch_seqs) {
        RequestState& r = *swapped_.front();
        if (!kv.can_swap_in(r, keep_free) || !kv.swap_in(r)) break;
        swapped_.pop_front();
        ctx.admitted(r, 0);
        running_.push_back(&r);
    }
}

}  // namespace llmsim::sim
