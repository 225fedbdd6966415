#pragma once
// Several batch observers behind the one pointer the simulator takes (Chrome trace and timeline together).
#include <vector>

#include "sim/serving/batch_observer.hpp"

namespace llmsim::tools {

class ObserverFanout final : public sim::BatchObserver {
  public:
    void add(sim::BatchObserver* o) {
        if (o != nullptr) observers_.push_back(o);
    }
    // The single observer when there is one (no forwarding cost), this fan-out for more, null for none.
    [[nodiscard]] sim::BatchObserver* get() {
        if (observers_.empty()) return nullptr;
        return observers_.size() == 1 ? observers_.front() : this;
    }
    void on_stage(int32_t replica, int32_t stage, int64_t start_ns, int64_t end_ns, const sim::Batch& b) override {
        for (auto* o : observers_)
            o->on_stage(replica, stage, start_ns, end_ns, b);
    }
    void on_draft(int32_t replica, int64_t start_ns, int64_t end_ns, const sim::Batch& b) override {
        for (auto* o : observers_)
            o->on_draft(replica, start_ns, end_ns, b);
    }
    void on_step(const sim::StepSample& step) override {
        for (auto* o : observers_)
            o->on_step(step);
    }

  private:
    std::vector<sim::BatchObserver*> observers_;
};

}  // namespace llmsim::tools
