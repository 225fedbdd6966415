#include "sim/engine/engine.hpp"

#include "common/error.hpp"

namespace llmsim::sim {

void Engine::schedule_at(SimTime time, EventHandler& handler, uint32_t kind, uint64_t payload) {
    LLMSIM_ASSERT(time >= now_, "event scheduled in the past");
    queue_.push(Event{time, next_seq_++, &handler, kind, payload});
}

void Engine::schedule_after(int64_t delay_ns, EventHandler& handler, uint32_t kind, uint64_t payload) {
    LLMSIM_ASSERT(delay_ns >= 0, "negative delay");
    schedule_at(now_.plus_ns(delay_ns), handler, kind, payload);
}

void Engine::dispatch(const Event& e) {
    LLMSIM_ASSERT(e.time >= now_, "time went backwards");
    now_ = e.time;
    ++processed_;
    e.handler->on_event(e.kind, e.payload);
}

void Engine::run() {
    stopped_ = false;
    while (!queue_.empty() && !stopped_)
        dispatch(queue_.pop());
}

void Engine::run_until(SimTime limit) {
    stopped_ = false;
    while (!queue_.empty() && !stopped_ && queue_.top().time <= limit)
        dispatch(queue_.pop());
}

}  // namespace llmsim::sim
