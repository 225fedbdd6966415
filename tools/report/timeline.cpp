#include "tools/report/timeline.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "common/error.hpp"

namespace llmsim::tools {

TimelineRecorder::TimelineRecorder(std::vector<int32_t> replicas_per_pool)
    : replicas_(std::move(replicas_per_pool)), bins_(replicas_.size()) {
    LLMSIM_ASSERT(!replicas_.empty(), "a timeline needs at least one pool");
}

void TimelineRecorder::widen() {
    for (auto& pool : bins_) {
        std::vector<Bin> merged((pool.size() + 1) / 2);
        for (size_t i = 0; i < pool.size(); ++i) {
            Bin& m = merged[i / 2];
            const Bin& b = pool[i];
            m.iterations += b.iterations;
            m.seqs += b.seqs;
            m.tokens += b.tokens;
            m.sampled += b.sampled;
            m.busy_stage_ns += b.busy_stage_ns;
            m.kv_used += b.kv_used;
            m.kv_capacity += b.kv_capacity;
            m.kv_peak = std::max(m.kv_peak, b.kv_peak);
        }
        pool = std::move(merged);
    }
    bin_ns_ *= 2;
}

void TimelineRecorder::on_step(const sim::StepSample& step) {
    LLMSIM_ASSERT(step.pool >= 0 && static_cast<size_t>(step.pool) < bins_.size(), "step of an unknown pool");
    LLMSIM_ASSERT(step.start_ns >= 0 && step.end_ns >= step.start_ns, "step with a negative span");
    while (static_cast<size_t>(step.end_ns / bin_ns_) >= kMaxBins)
        widen();
    auto& pool = bins_[static_cast<size_t>(step.pool)];
    const auto first = static_cast<size_t>(step.start_ns / bin_ns_);
    const auto last = static_cast<size_t>(step.end_ns / bin_ns_);
    if (pool.size() <= last) pool.resize(last + 1);
    Bin& b = pool[first];
    b.iterations += 1;
    b.seqs += step.seqs;
    b.tokens += step.tokens;
    b.sampled += step.sampled_tokens;
    b.kv_used += step.kv_used_blocks;
    b.kv_capacity += step.kv_capacity_blocks;
    if (step.kv_capacity_blocks > 0)
        b.kv_peak = std::max(b.kv_peak, static_cast<double>(step.kv_used_blocks) / step.kv_capacity_blocks);
    // Device time is spread evenly over the step's span, so a step longer than a bin fills the bins it covers.
    const double busy = step.busy_ns / std::max(1, step.stages);
    const auto span = static_cast<double>(step.end_ns - step.start_ns);
    for (size_t i = first; i <= last; ++i) {
        if (span <= 0) {
            pool[i].busy_stage_ns += busy;
            break;
        }
        const auto lo = std::max(step.start_ns, static_cast<int64_t>(i) * bin_ns_);
        const auto hi = std::min(step.end_ns, static_cast<int64_t>(i + 1) * bin_ns_);
        pool[i].busy_stage_ns += busy * static_cast<double>(hi - lo) / span;
    }
}

std::string TimelineRecorder::csv() const {
    std::string out =
        "t_start_s,t_end_s,pool,iterations,mean_batch_seqs,mean_batch_tokens,output_tokens_per_s,utilization,"
        "kv_used_mean,kv_used_peak\n";
    size_t bins = 0;
    for (const auto& pool : bins_)
        bins = std::max(bins, pool.size());
    const double width_s = static_cast<double>(bin_ns_) * 1e-9;
    for (size_t i = 0; i < bins; ++i) {
        for (size_t p = 0; p < bins_.size(); ++p) {
            const Bin b = i < bins_[p].size() ? bins_[p][i] : Bin{};
            const double n = static_cast<double>(std::max<int64_t>(1, b.iterations));
            const double util = b.busy_stage_ns / (static_cast<double>(bin_ns_) * replicas_[p]);
            out += fmt::format("{:.6f},{:.6f},{},{},{:.3f},{:.3f},{:.3f},{:.6f},{:.6f},{:.6f}\n", i * width_s,
                               (i + 1) * width_s, p, b.iterations, b.seqs / n, b.tokens / n, b.sampled / width_s,
                               std::min(1.0, util),
                               b.kv_capacity > 0 ? static_cast<double>(b.kv_used) / b.kv_capacity : 0.0, b.kv_peak);
        }
    }
    return out;
}

}  // namespace llmsim::tools
