#include "sim/serving/replica.hpp"

#include <algorithm>

#include "common/error.hpp"

namespace llmsim::sim {

void Replica::VirtualEngine::admitted(RequestState& r, int64_t reused_prefix_tokens) {
    replica_.lifecycle_.admit(r);
    if (r.cached_prompt_tokens < 0 || reused_prefix_tokens > 0) {
        replica_.lifecycle_.reuse_prefix(r, reused_prefix_tokens);
        replica_.outstanding_tokens_ -= reused_prefix_tokens;
    }
}

int64_t Replica::VirtualEngine::choose_victim(const std::vector<RequestState*>& running) {
    return replica_.preemption_->choose_victim(running);
}

PreemptMode Replica::VirtualEngine::preempt(RequestState& r) {
    const int64_t before = r.outstanding_tokens();
    PreemptMode mode = replica_.preemption_->mode();
    if (mode == PreemptMode::swap && !pool->swap_out(r)) mode = PreemptMode::recompute;  // host swap space is full
    if (mode == PreemptMode::recompute) pool->free(r);
    replica_.lifecycle_.preempt(r, mode);
    replica_.outstanding_tokens_ += r.outstanding_tokens() - before;
    replica_.stats_.preemptions += 1;
    if (mode == PreemptMode::swap) replica_.stats_.swap_preemptions += 1;
    return mode;
}

Replica::Replica(int32_t pool, int32_t index, Engine& engine, const ReplicaParts& parts, RequestLifecycle& lifecycle,
                 RequestSink& sink, BatchObserver* observer)
    : pool_(pool),
      index_(index),
      engine_(engine),
      lifecycle_(lifecycle),
      sink_(sink),
      observer_(observer),
      executor_(parts.make_executor()),
      preemption_(parts.make_preemption()),
      speculator_(parts.make_speculator ? parts.make_speculator(index) : nullptr),
      schedule_ahead_(parts.schedule_ahead),
      hands_off_(parts.hands_off),
      observer_index_(parts.observer_offset + index) {
    const int32_t stages = executor_->stages();
    KvCacheOptions share = parts.kv;
    share.capacity_blocks = parts.kv.capacity_blocks / stages;
    for (int32_t i = 0; i < stages; ++i) {
        engines_.push_back(
            std::make_unique<VirtualEngine>(*this, parts.make_scheduler(), parts.make_kv(share), parts.attention));
    }
    tracks_content_ = engines_.front()->pool->tracks_content();
    stats_.stages = stages;
    stats_.kv_capacity_blocks = share.capacity_blocks * stages;
}

bool Replica::can_ever_fit(int64_t tokens) const {
    const KvCacheManager& kv = *engines_.front()->pool;
    return kv.blocks_for(tokens) <= kv.capacity();
}

void Replica::add(RequestState& r) {
    lifecycle_.arrive(r, pool_, index_, engine_.now().ns());
    ++outstanding_requests_;
    outstanding_tokens_ += r.outstanding_tokens();
    // Least-loaded virtual engine (ties: lowest index), as vLLM assigns requests with pipeline parallelism.
    VirtualEngine* target = engines_.front().get();
    for (auto& e : engines_) {
        if (e->outstanding < target->outstanding) target = e.get();
    }
    ++target->outstanding;
    if (schedule_ahead_ && in_flight_ > 0) {
        held_.push_back({&r, target, engine_.now().ns()});
    } else {
        target->scheduler->add(r);
    }
    request_dispatch();
}

void Replica::release_held(int64_t chosen_by_ns) {
    size_t n = 0;
    while (n < held_.size() && held_[n].added_ns <= chosen_by_ns) {
        held_[n].engine->scheduler->add(*held_[n].request);
        ++n;
    }
    held_.erase(held_.begin(), held_.begin() + static_cast<std::ptrdiff_t>(n));
}

void Replica::request_dispatch() {
    // Dispatch from a follow-up event at this instant (or when stage 0 frees), after every simultaneous arrival.
    if (dispatch_pending_) return;
    dispatch_pending_ = true;
    engine_.schedule_at(SimTime::from_ns(std::max(engine_.now().ns(), executor_->stage0_free_ns())), *this, kDispatch);
}

ReplicaLoad Replica::load() const {
    ReplicaLoad l;
    l.outstanding_requests = outstanding_requests_;
    l.outstanding_tokens = outstanding_tokens_;
    int64_t free_blocks = 0;
    int64_t capacity = 0;
    for (const auto& e : engines_) {
        free_blocks += e->pool->free_blocks();
        capacity += e->pool->capacity();
        l.waiting_requests += e->scheduler->waiting();
    }
    l.kv_free_fraction = capacity > 0 ? static_cast<double>(free_blocks) / static_cast<double>(capacity) : 0.0;
    return l;
}

PrefixMatch Replica::cached_prefix(const RequestState& r) const {
    // Engines share nothing, so the best any one of them holds (a new request goes to one engine).
    PrefixMatch best;
    for (const auto& e : engines_) {
        const PrefixMatch m = e->pool->lookup_prefix(r);
        if (m.tokens > best.tokens) best = m;
    }
    return best;
}

ReplicaStats Replica::stats() const {
    ReplicaStats s = stats_;
    s.kv_peak_blocks = 0;
    for (const auto& e : engines_) {
        s.kv_peak_blocks += e->pool->usage().peak_used_blocks;
        s.kv += e->pool->stats();
    }
    if (speculator_) s.spec = speculator_->stats();
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
    if (executor_->stage0_free_ns() > engine_.now().ns()) {
        request_dispatch();  // stage 0 is still busy with the previous micro-batch
        return;
    }
    const int64_t now = executor_->begin(engine_.now().ns());
    // With schedule-ahead, this batch was chosen when the previous step was launched: later arrivals wait.
    if (!held_.empty()) release_held(last_start_ns_);
    // Engines take turns; the first idle one with runnable work forms the next micro-batch.
    VirtualEngine* chosen = nullptr;
    size_t chosen_index = 0;
    for (int attempt = 0; attempt < 2 && chosen == nullptr; ++attempt) {
        for (size_t k = 0; k < engines_.size() && chosen == nullptr; ++k) {
            const size_t i = (next_engine_ + k) % engines_.size();
            VirtualEngine& e = *engines_[i];
            if (e.busy) continue;
            e.batch.clear();
            if (speculator_) e.batch.set_decode_tokens(speculator_->decode_tokens(e.scheduler->running()));
            e.scheduler->schedule(e.batch, e);
            if (speculator_) speculator_->on_batch(e.batch);
            e.batch.set_kv_transfer_ns(e.pool->take_transfer_ns());
            if (!e.batch.empty()) {
                chosen = &e;
                chosen_index = i;
            }
        }
        // Nothing chosen ahead is runnable: the engine would idle, so it schedules what has arrived now.
        if (chosen != nullptr || held_.empty()) break;
        release_held(now);
    }
    if (chosen == nullptr) return;  // nothing runnable; an arrival or a completion will call back
    last_start_ns_ = now;
    next_engine_ = (chosen_index + 1) % engines_.size();
    Batch& batch = chosen->batch;
    // Decodes were scheduled before (their first step was a prefill), so only prefills can be first-timers.
    for (const BatchEntry& e : batch.entries()) {
        if (e.prefill && e.request->first_scheduled_ns < 0) e.request->first_scheduled_ns = now;
    }
    const IterationResult res = executor_->run(batch, now, observer_index_, observer_);
    if (in_flight_ == 0) active_since_ns_ = now;
    ++in_flight_;
    chosen->busy = true;
    chosen->batch_start_ns = now;
    stats_.iterations += 1;
    stats_.batched_seqs += batch.size();
    stats_.batched_tokens += batch.tokens();
    stats_.stage_busy_ns += res.busy_ns;
    stats_.overhead_ns += res.overhead_ns;
    stats_.kv_transfer_ns += res.kv_transfer_ns;
    stats_.dynamic_energy_j += res.dynamic_energy_j;
    if (observer_ != nullptr) {
        StepSample step{.pool = pool_,
                        .replica = index_,
                        .start_ns = now,
                        .end_ns = res.end_ns,
                        .seqs = batch.size(),
                        .tokens = batch.tokens(),
                        .sampled_tokens = batch.sampled_tokens(),
                        .busy_ns = res.busy_ns,
                        .stages = stats_.stages};
        for (const auto& e : engines_) {
            const KvUsage u = e->pool->usage();
            step.kv_used_blocks += u.used_blocks;
            step.kv_capacity_blocks += u.capacity_blocks;
        }
        observer_->on_step(step);
    }
    engine_.schedule_at(SimTime::from_ns(res.end_ns), *this, kBatchDone, chosen_index);
    // With a pipeline, the next micro-batch may start as soon as stage 0 is free.
    if (engines_.size() > 1) request_dispatch();
}

void Replica::complete(size_t engine) {
    const int64_t now = engine_.now().ns();
    VirtualEngine& e = *engines_[engine];
    LLMSIM_ASSERT(e.busy, "completion of an idle virtual engine");
    outstanding_tokens_ -= e.batch.shape().prefill_tokens + e.batch.sampled_tokens();
    KvCacheManager& kv = *e.pool;
    lifecycle_.apply(e.batch, now, [&](RequestState& r) {
        if (tracks_content_) kv.on_computed(r);
        kv.free(r);
        --outstanding_requests_;
        --e.outstanding;
        sink_.on_finished(r);
    });
    if (tracks_content_) {
        for (const BatchEntry& b : e.batch.entries()) {
            if (b.request->phase() == RequestPhase::running) kv.on_computed(*b.request);
        }
    }
    if (hands_off_) hand_off(e, now);
    LLMSIM_ASSERT(outstanding_tokens_ >= 0 && (outstanding_requests_ > 0 || outstanding_tokens_ == 0),
                  "replica outstanding-token accounting drifted");
    e.busy = false;
    --in_flight_;
    if (in_flight_ == 0) stats_.active_ns += static_cast<double>(now - active_since_ns_);
    try_dispatch();
}

void Replica::hand_off(VirtualEngine& e, int64_t now_ns) {
    for (const BatchEntry& b : e.batch.entries()) {
        RequestState& r = *b.request;
        if (!b.prefill || r.phase() != RequestPhase::running || !r.prefill_done()) continue;
        Hold hold{r, &e};
        KvCacheManager::hand_over(r, hold.copy);
        holds_.emplace(r.id, std::move(hold));
        outstanding_tokens_ -= r.outstanding_tokens();
        --outstanding_requests_;
        --e.outstanding;
        sink_.on_prefilled(r, now_ns - e.batch_start_ns);
    }
}

void Replica::release_hold(uint32_t id) {
    auto it = holds_.find(id);
    LLMSIM_ASSERT(it != holds_.end(), "releasing KV this replica does not hold");
    it->second.engine->pool->free(it->second.copy);
    holds_.erase(it);
    request_dispatch();  // the freed blocks may admit a waiting prefill
}

bool Replica::reserve_incoming(RequestState& r) {
    VirtualEngine* target = engines_.front().get();
    for (auto& e : engines_) {
        if (e->outstanding < target->outstanding) target = e.get();
    }
    // Room for the KV and the token the first decode step adds.
    const int64_t tokens = r.kv_tokens() + 1;
    if (!target->pool->can_allocate(r, tokens) || !target->pool->allocate(r, tokens)) return false;
    incoming_.emplace(r.id, target);
    ++target->outstanding;
    ++outstanding_requests_;
    outstanding_tokens_ += r.outstanding_tokens();
    return true;
}

void Replica::accept(RequestState& r) {
    auto it = incoming_.find(r.id);
    LLMSIM_ASSERT(it != incoming_.end(), "KV arrived for a request this replica did not reserve");
    it->second->scheduler->adopt(r, *it->second);
    incoming_.erase(it);
    request_dispatch();
}

}  // namespace llmsim::sim
