#pragma once
// One binary heap of events ordered by (time, seq): ties break by insertion order, so runs are deterministic.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "sim/engine/sim_time.hpp"

namespace llmsim::sim {

class EventHandler;

struct Event {
    SimTime time;
    uint64_t seq = 0;
    EventHandler* handler = nullptr;
    uint32_t kind = 0;     // handler-defined event type
    uint64_t payload = 0;  // handler-defined argument (an index, an id)
};

class EventQueue {
  public:
    void push(const Event& e);
    [[nodiscard]] const Event& top() const { return heap_.front(); }
    Event pop();
    [[nodiscard]] bool empty() const { return heap_.empty(); }
    [[nodiscard]] size_t size() const { return heap_.size(); }
    void reserve(size_t n) { heap_.reserve(n); }

  private:
    static bool before(const Event& a, const Event& b) {
        return a.time < b.time || (a.time == b.time && a.seq < b.seq);
    }
    std::vector<Event> heap_;
};

}  // namespace llmsim::sim
