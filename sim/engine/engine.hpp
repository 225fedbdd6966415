#pragma once
// The discrete-event engine: a clock and one event queue. It knows nothing of what the events mean.
#include <cstddef>
#include <cstdint>

#include "sim/engine/event_queue.hpp"
#include "sim/engine/sim_time.hpp"

namespace llmsim::sim {

class EventHandler {
  public:
    virtual ~EventHandler() = default;
    virtual void on_event(uint32_t kind, uint64_t payload) = 0;
};

class Engine {
  public:
    [[nodiscard]] SimTime now() const { return now_; }

    // Schedules an event; time must not be in the past (always-on check).
    void schedule_at(SimTime time, EventHandler& handler, uint32_t kind, uint64_t payload = 0);
    void schedule_after(int64_t delay_ns, EventHandler& handler, uint32_t kind, uint64_t payload = 0);

    // Runs until the queue is empty or stop() is called.
    void run();
    // Runs events with time <= limit; the clock ends at the last processed event.
    void run_until(SimTime limit);
    void stop() { stopped_ = true; }

    [[nodiscard]] uint64_t events_processed() const { return processed_; }
    [[nodiscard]] size_t pending() const { return queue_.size(); }
    void reserve(size_t n) { queue_.reserve(n); }

  private:
    void dispatch(const Event& e);

    EventQueue queue_;
    SimTime now_ = SimTime::zero();
    uint64_t next_seq_ = 0;
    uint64_t processed_ = 0;
    bool stopped_ = false;
};

}  // namespace llmsim::sim
