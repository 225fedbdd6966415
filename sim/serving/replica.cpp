#include "sim/serving/replica.hpp"

#include <algorithm>

#include "common/error.hpp"
#include "sim/serving/request_progress.hpp"

namespace llmsim::sim {

void Replica::VirtualEngine::preempt(RequestState& r) {
    preempt_for_recompute(r, pool);
    stats_.preemptions += 1;
}

Replica::Replica(int32_t index, Engine& engine, ForwardCost& cost, const SchedulerFactory& make_scheduler,
                 int64_t kv_blocks, int32_t block_tokens, RequestSink& sink, BatchObserver* observer)
    : index_(index),
      engine_(engine),
      cost_(cost),
      sink_(sink),
      observer_(observer),
      stages_(cost.deployment().parallel.pp) {
    const int32_t window = cost.deployment().model.sliding_window;
    for (int32_t i = 0; i < stages_; ++i) {
        engines_.push_back(
            std::make_unique<VirtualEngine>(make_scheduler(), kv_blocks / stages_, block_tokens, window, stats_));
    }
    stage_free_ns_.assign(static_cast<size_t>(stages_), 0);
    stats_.stages = stages_;
    stats_.kv_capacity_blocks = (kv_blocks / stages_) * stages_;
}

bool Replica::can_ever_fit(int64_t tokens) const {
    const KvBlockManager& pool = engines_.front()->pool;
    return pool.blocks_for(tokens) <= pool.capacity();
}

void Replica::add(RequestState& r) {
    r.replica = index_;
    r.phase = RequestPhase::waiting;
    ++outstanding_requests_;
    outstanding_tokens_ += r.total_tokens();
    // Least-loaded virtual engine (ties: lowest index), as vLLM assigns requests with pipeline parallelism.
    VirtualEngine* target = engines_.front().get();
    for (auto& e : engines_) {
        if (e->outstanding < target->outstanding) target = e.get();
    }
    ++target->outstanding;
    target->scheduler->add(r);
    request_dispatch();
}

void Replica::request_dispatch() {
    // Dispatch from a follow-up event at this instant (or when stage 0 frees), after every simultaneous arrival.
    if (dispatch_pending_) return;
    dispatch_pending_ = true;
    engine_.schedule_at(SimTime::from_ns(std::max(engine_.now().ns(), stage_free_ns_[0])), *this, kDispatch);
}

policies::ReplicaLoad Replica::load() const {
    policies::ReplicaLoad l;
    l.outstanding_requests = outstanding_requests_;
    l.outstanding_tokens = std::max<int64_t>(0, outstanding_tokens_);
    int64_t free_blocks = 0;
    int64_t capacity = 0;
    for (const auto& e : engines_) {
        free_blocks += e->pool.free_blocks();
        capacity += e->pool.capacity();
    }
    l.kv_free_fraction = capacity > 0 ? static_cast<double>(free_blocks) / static_cast<double>(capacity) : 0.0;
    return l;
}

ReplicaStats Replica::stats() const {
    ReplicaStats s = stats_;
    s.kv_peak_blocks = 0;
    for (const auto& e : engines_)
        s.kv_peak_blocks += e->pool.peak_used();
    return s;
}

void Replica::on_event(uint32_t kind, uint64_t payload) {
    if (kind == kDispatch) {
        dispatch_pending_ = false;
        try_dispatch();
    } else {
        complete(static_cast<size_t>(payload));
    }
}

void Replica::try_dispatch() {
    const int64_t now = engine_.now().ns();
    if (stage_free_ns_[0] > now) {
        request_dispatch();  // stage 0 is still busy with the previous micro-batch
        return;
    }
    // Engines take turns; the first idle one with runnable work forms the next micro-batch.
    VirtualEngine* chosen = nullptr;
    size_t chosen_index = 0;
    for (size_t k = 0; k < engines_.size() && chosen == nullptr; ++k) {
        const size_t i = (next_engine_ + k) % engines_.size();
        VirtualEngine& e = *engines_[i];
        if (e.busy) continue;
        e.batch.clear();
        e.scheduler->schedule(e.batch, e);
        if (!e.batch.empty()) {
            chosen = &e;
            chosen_index = i;
        }
    }
    if (chosen == nullptr) return;  // nothing runnable; an arrival or a completion will call back
    next_engine_ = (chosen_index + 1) % engines_.size();
    Batch& batch = chosen->batch;
    mark_dispatched(batch, now);
    const PassCost pass = cost_.pass(batch.shape());
    // Host work (scheduling, input preparation, sampling) is serial with the device in the engines we model.
    int64_t t = now + seconds_to_ns(pass.overhead_ns * 1e-9);
    for (int32_t s = 0; s < stages_; ++s) {
        const int64_t start = std::max(t, stage_free_ns_[static_cast<size_t>(s)]);
        const int64_t end = start + seconds_to_ns(cost_.stage_ns(pass, s) * 1e-9);
        stage_free_ns_[static_cast<size_t>(s)] = end;
        stats_.stage_busy_ns += static_cast<double>(end - start);
        if (observer_ != nullptr) observer_->on_stage(index_, s, start, end, batch);
        t = end + (s + 1 < stages_ ? seconds_to_ns(pass.boundary_ns * 1e-9) : 0);
    }
    if (in_flight_ == 0) active_since_ns_ = now;
    ++in_flight_;
    chosen->busy = true;
    stats_.iterations += 1;
    stats_.batched_seqs += batch.size();
    stats_.batched_tokens += batch.tokens();
    stats_.overhead_ns += pass.overhead_ns;
    engine_.schedule_at(SimTime::from_ns(t), *this, kBatchDone, chosen_index);
    // With a pipeline, the next micro-batch may start as soon as stage 0 is free.
    if (stages_ > 1) request_dispatch();
}

void Replica::complete(size_t engine) {
    const int64_t now = engine_.now().ns();
    VirtualEngine& e = *engines_[engine];
    LLMSIM_ASSERT(e.busy, "completion of an idle virtual engine");
    outstanding_tokens_ -= e.batch.tokens();
    apply_batch_progress(e.batch, now, e.pool, [this, &e](RequestState& r) {
        --outstanding_requests_;
        --e.outstanding;
        sink_.on_finished(r);
    });
    e.busy = false;
    --in_flight_;
    if (in_flight_ == 0) stats_.active_ns += static_cast<double>(now - active_since_ns_);
    try_dispatch();
}

}  // namespace llmsim::sim
