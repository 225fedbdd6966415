#include "sim/serving/replica.hpp"

#include <algorithm>
#include <cmath>

#include "common/error.hpp"
#include "sim/serving/request_progress.hpp"

namespace llmsim::sim {

Replica::Replica(int32_t index, Engine& engine, ForwardCost& cost, std::unique_ptr<policies::Scheduler> scheduler,
                 int64_t kv_blocks, int32_t block_tokens, RequestSink& sink, BatchObserver* observer)
    : index_(index),
      engine_(engine),
      cost_(cost),
      scheduler_(std::move(scheduler)),
      kv_(kv_blocks, block_tokens),
      sink_(sink),
      observer_(observer),
      stages_(cost.deployment().parallel.pp) {
    const int32_t window = cost.deployment().model.sliding_window;
    for (int32_t i = 0; i < stages_; ++i) slots_.push_back(Slot{Batch(window), false});
    stage_free_ns_.assign(static_cast<size_t>(stages_), 0);
    stats_.stages = stages_;
    stats_.kv_capacity_blocks = kv_blocks;
}

void Replica::add(RequestState& r) {
    r.replica = index_;
    r.phase = RequestPhase::waiting;
    ++outstanding_requests_;
    outstanding_tokens_ += r.total_tokens();
    scheduler_->add(r);
    // Dispatch from a follow-up event at this instant, after every simultaneous arrival has been added.
    if (!dispatch_pending_) {
        dispatch_pending_ = true;
        engine_.schedule_at(SimTime::from_ns(std::max(engine_.now().ns(), stage_free_ns_[0])), *this, kDispatch);
    }
}

policies::ReplicaLoad Replica::load() const {
    policies::ReplicaLoad l;
    l.outstanding_requests = outstanding_requests_;
    l.outstanding_tokens = std::max<int64_t>(0, outstanding_tokens_);
    l.kv_free_fraction = kv_.capacity() > 0 ? static_cast<double>(kv_.free_blocks()) / kv_.capacity() : 0.0;
    return l;
}

ReplicaStats Replica::stats() const {
    ReplicaStats s = stats_;
    s.kv_peak_blocks = kv_.peak_used();
    return s;
}

void Replica::preempt(RequestState& r) {
    preempt_for_recompute(r, kv_);
    stats_.preemptions += 1;
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
    if (dispatch_pending_) return;
    if (stage_free_ns_[0] > now) {
        // Stage 0 is still busy with the previous micro-batch: come back when it frees up.
        dispatch_pending_ = true;
        engine_.schedule_at(SimTime::from_ns(stage_free_ns_[0]), *this, kDispatch);
        return;
    }
    auto slot_it = std::find_if(slots_.begin(), slots_.end(), [](const Slot& s) { return !s.busy; });
    if (slot_it == slots_.end()) return;  // pipeline full; a completion will call back
    Batch& batch = slot_it->batch;
    batch.clear();
    scheduler_->schedule(batch, *this);
    if (batch.empty()) return;

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
    slot_it->busy = true;
    stats_.iterations += 1;
    stats_.batched_seqs += batch.size();
    stats_.batched_tokens += batch.tokens();
    stats_.overhead_ns += pass.overhead_ns;
    engine_.schedule_at(SimTime::from_ns(t), *this, kBatchDone, static_cast<uint64_t>(slot_it - slots_.begin()));
    // With a pipeline, the next micro-batch may start as soon as stage 0 is free.
    if (stages_ > 1) try_dispatch();
}

void Replica::complete(size_t slot) {
    const int64_t now = engine_.now().ns();
    Slot& s = slots_[slot];
    LLMSIM_ASSERT(s.busy, "completion of an idle pipeline slot");
    outstanding_tokens_ -= s.batch.tokens();
    apply_batch_progress(s.batch, now, kv_, [this](RequestState& r) {
        --outstanding_requests_;
        sink_.on_finished(r);
    });
    s.busy = false;
    --in_flight_;
    if (in_flight_ == 0) stats_.active_ns += static_cast<double>(now - active_since_ns_);
    try_dispatch();
}

}  // namespace llmsim::sim
