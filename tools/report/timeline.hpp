#pragma once
// The run timeline of `run --out DIR` (timeline.csv): per pool, fixed time bins of batch size, tokens, device
// utilisation and KV use, read back by `llmsim report`. Bins double in width (adjacent pairs merge) whenever the run
// outgrows kMaxBins, so memory and file size stay bounded however long the run.
#include <cstdint>
#include <string>
#include <vector>

#include "sim/serving/batch_observer.hpp"

namespace llmsim::tools {

class TimelineRecorder final : public sim::BatchObserver {
  public:
    static constexpr int64_t kFirstBinNs = 10'000'000;  // 10 ms: short runs still get a few hundred bins
    static constexpr size_t kMaxBins = 512;

    // `replicas_per_pool`: replica counts, pool by pool (utilisation is busy time over replicas x bin width).
    explicit TimelineRecorder(std::vector<int32_t> replicas_per_pool);

    void on_stage(int32_t, int32_t, int64_t, int64_t, const sim::Batch&) override {}
    void on_step(const sim::StepSample& step) override;

    [[nodiscard]] int64_t bin_ns() const { return bin_ns_; }
    // Header: t_start_s,t_end_s,pool,iterations,mean_batch_seqs,mean_batch_tokens,output_tokens_per_s,
    // utilization,kv_used_mean,kv_used_peak; one row per pool per bin up to the last step.
    [[nodiscard]] std::string csv() const;

  private:
    struct Bin {
        int64_t iterations = 0;
        int64_t seqs = 0;
        int64_t tokens = 0;
        int64_t sampled = 0;
        double busy_stage_ns = 0;  // busy time per stage (busy over stages), summed over steps
        int64_t kv_used = 0;       // summed over steps (mean = kv_used / kv_capacity)
        int64_t kv_capacity = 0;
        double kv_peak = 0;
    };
    void widen();

    std::vector<int32_t> replicas_;
    std::vector<std::vector<Bin>> bins_;  // pool -> bins
    int64_t bin_ns_ = kFirstBinNs;
};

}  // namespace llmsim::tools
