#pragma once
// Chrome/Perfetto trace of batches: one process per replica, one thread per pipeline stage, one slice per batch
// ("verify" when its decodes check speculative drafts), and a "drafter" thread with one "draft" slice per speculative
// step (serial before the verify slice, or beside it when drafting overlaps verification).
#include <string>

#include "sim/serving/batch_observer.hpp"

namespace llmsim::tools {

class ChromeTraceWriter final : public sim::BatchObserver {
  public:
    void on_stage(int32_t replica, int32_t stage, int64_t start_ns, int64_t end_ns, const sim::Batch& batch) override;
    void on_draft(int32_t replica, int64_t start_ns, int64_t end_ns, const sim::Batch& batch) override;
    // The complete JSON document ({"traceEvents": [...]}).
    [[nodiscard]] std::string finish() const;

    static constexpr int32_t kDrafterTid = 1000;  // above any pipeline stage

  private:
    std::string events_;
    int32_t max_replica_ = -1;
    int32_t max_stage_ = 0;
    bool drafts_ = false;
};

}  // namespace llmsim::tools
