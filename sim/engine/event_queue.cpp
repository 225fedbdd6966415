#include "sim/engine/event_queue.hpp"

#include <cmath>

#include "common/error.hpp"

namespace llmsim::sim {

int64_t seconds_to_ns(double seconds) {
    LLMSIM_ASSERT(std::isfinite(seconds) && seconds >= 0, "duration must be finite and non-negative");
    const auto ns = static_cast<int64_t>(std::llround(seconds * 1e9));
    return (ns == 0 && seconds > 0) ? 1 : ns;
}

void EventQueue::push(const Event& e) {
    heap_.push_back(e);
    size_t i = heap_.size() - 1;
    while (i > 0) {
        const size_t parent = (i - 1) / 2;
        if (!before(heap_[i], heap_[parent])) break;
        std::swap(heap_[i], heap_[parent]);
        i = parent;
    }
}

Event EventQueue::pop() {
    LLMSIM_ASSERT(!heap_.empty(), "pop from empty event queue");
    Event out = heap_.front();
    heap_.front() = heap_.back();
    heap_.pop_back();
    const size_t n = heap_.size();
    size_t i = 0;
    while (true) {
        const size_t l = 2 * i + 1;
        const size_t r = l + 1;
        size_t m = i;
        if (l < n && before(heap_[l], heap_[m])) m = l;
        if (r < n && before(heap_[r], heap_[m])) m = r;
        if (m == i) break;
        std::swap(heap_[i], heap_[m]);
        i = m;
    }
    return out;
}

}  // namespace llmsim::sim
