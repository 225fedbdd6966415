#include "sim/training/pipeline_dag.hpp"

#include <algorithm>

#include "common/error.hpp"
#include "sim/engine/engine.hpp"

namespace llmsim::sim {
namespace {

enum EventKind : uint32_t { kTaskDone = 0, kDependencyArrived = 1 };

class PipelineRun final : public EventHandler {
  public:
    PipelineRun(const std::vector<RankOrder>& orders, const PipelineTimes& t)
        : orders_(orders), t_(t), stages_(t.pp * t.vpp), m_(t.microbatches) {
        const size_t tasks = static_cast<size_t>(2) * static_cast<size_t>(stages_) * static_cast<size_t>(m_);
        arrived_.assign(tasks, 0);
        cursor_.assign(static_cast<size_t>(t.pp), 0);
        busy_.assign(static_cast<size_t>(t.pp), false);
        result_.busy_ns.assign(static_cast<size_t>(t.pp), 0);
        result_.sends.assign(static_cast<size_t>(t.pp), 0);
        result_.finish_ns.assign(static_cast<size_t>(t.pp), 0);
        engine_.reserve(static_cast<size_t>(t.pp) * 2);
    }

    PipelineResult run() {
        for (int32_t r = 0; r < t_.pp; ++r)
            try_start(r);
        engine_.run();
        for (int32_t r = 0; r < t_.pp; ++r) {
            LLMSIM_ASSERT(cursor_[static_cast<size_t>(r)] == orders_[static_cast<size_t>(r)].size(),
                          "pipeline schedule deadlocked: its order contradicts the data dependencies");
        }
        result_.makespan_ns = engine_.now().ns();
        result_.events = engine_.events_processed();
        const auto it = std::max_element(result_.busy_ns.begin(), result_.busy_ns.end());
        result_.busiest_rank = static_cast<int32_t>(it - result_.busy_ns.begin());
        result_.bubble_fraction =
            result_.makespan_ns > 0 ? 1.0 - static_cast<double>(*it) / static_cast<double>(result_.makespan_ns) : 0;
        return result_;
    }

    void on_event(uint32_t kind, uint64_t payload) override {
        const auto id = static_cast<size_t>(payload);
        if (kind == kDependencyArrived) {
            arrive(id);
            return;
        }
        const int32_t rank = rank_of(id);
        busy_[static_cast<size_t>(rank)] = false;
        result_.finish_ns[static_cast<size_t>(rank)] = engine_.now().ns();
        ++cursor_[static_cast<size_t>(rank)];
        release_dependent(id);
        try_start(rank);
    }

  private:
    // Task ids: ((kind * stages + virtual stage) * m + micro-batch).
    [[nodiscard]] size_t task_id(bool backward, int32_t vs, int32_t mb) const {
        return (static_cast<size_t>(backward ? 1 : 0) * static_cast<size_t>(stages_) + static_cast<size_t>(vs)) *
                   static_cast<size_t>(m_) +
               static_cast<size_t>(mb);
    }
    [[nodiscard]] bool is_backward(size_t id) const { return id >= static_cast<size_t>(stages_) * m_; }
    [[nodiscard]] int32_t stage_of(size_t id) const { return static_cast<int32_t>((id / m_) % stages_); }
    [[nodiscard]] int32_t mb_of(size_t id) const { return static_cast<int32_t>(id % m_); }
    [[nodiscard]] int32_t rank_of(size_t id) const { return stage_of(id) % t_.pp; }

    // Forwards after the first stage wait for the activation; every backward waits for its gradient (the last
    // stage's backward for its own forward).
    [[nodiscard]] int32_t needed(size_t id) const { return is_backward(id) || stage_of(id) > 0 ? 1 : 0; }

    [[nodiscard]] bool has_remote_dependent(size_t id) const {
        const int32_t vs = stage_of(id);
        return is_backward(id) ? vs > 0 : vs + 1 < stages_;
    }

    void try_start(int32_t rank) {
        const auto r = static_cast<size_t>(rank);
        if (busy_[r] || cursor_[r] >= orders_[r].size()) return;
        const PipeTask& task = orders_[r][cursor_[r]];
        const bool backward = task.kind == PipeTaskKind::backward;
        const int32_t vs = task.chunk * t_.pp + rank;
        const size_t id = task_id(backward, vs, task.microbatch);
        if (arrived_[id] < needed(id)) return;
        int64_t duration = backward ? t_.backward_ns[static_cast<size_t>(vs)] : t_.forward_ns[static_cast<size_t>(vs)];
        if (t_.p2p_blocks_sender && has_remote_dependent(id)) {
            duration += t_.p2p_ns;
            ++result_.sends[r];
        }
        busy_[r] = true;
        result_.busy_ns[r] += duration;
        engine_.schedule_after(duration, *this, kTaskDone, id);
    }

    void arrive(size_t id) {
        ++arrived_[id];
        try_start(rank_of(id));
    }

    // A dependency with no transfer delay is satisfied at once (same simulated time, no event needed).
    void notify(size_t dependent, int64_t delay) {
        if (delay == 0) {
            arrive(dependent);
        } else {
            engine_.schedule_after(delay, *this, kDependencyArrived, dependent);
        }
    }

    void release_dependent(size_t id) {
        const int32_t vs = stage_of(id);
        const int32_t mb = mb_of(id);
        const int64_t delay = t_.p2p_blocks_sender ? 0 : t_.p2p_ns;
        if (!is_backward(id)) {
            if (vs + 1 < stages_) {
                if (!t_.p2p_blocks_sender) ++result_.sends[static_cast<size_t>(rank_of(id))];
                notify(task_id(false, vs + 1, mb), delay);
            } else {
                notify(task_id(true, vs, mb), 0);
            }
        } else if (vs > 0) {
            if (!t_.p2p_blocks_sender) ++result_.sends[static_cast<size_t>(rank_of(id))];
            notify(task_id(true, vs - 1, mb), delay);
        }
    }

    const std::vector<RankOrder>& orders_;
    const PipelineTimes& t_;
    int32_t stages_;
    int32_t m_;
    Engine engine_;
    std::vector<int32_t> arrived_;
    std::vector<size_t> cursor_;
    std::vector<bool> busy_;
    PipelineResult result_;
};

}  // namespace

PipelineResult simulate_pipeline(const std::vector<RankOrder>& orders, const PipelineTimes& times) {
    LLMSIM_ASSERT(times.pp >= 1 && times.vpp >= 1 && times.microbatches >= 1, "empty pipeline");
    LLMSIM_ASSERT(orders.size() == static_cast<size_t>(times.pp), "one order per pipeline rank");
    const auto stages = static_cast<size_t>(times.pp * times.vpp);
    LLMSIM_ASSERT(times.forward_ns.size() == stages && times.backward_ns.size() == stages,
                  "one duration per virtual stage");
    PipelineRun run(orders, times);
    return run.run();
}

}  // namespace llmsim::sim
