#pragma once
// Replica scheduler policies: each decides, every iteration, which requests run and how many tokens each brings.
// One policy per file, registered by name in registry.cpp. The replica owns request lifecycles (applying progress,
// finishing, preempting); a policy only chooses.
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "sim/serving/batch.hpp"
#include "sim/serving/kv_block_manager.hpp"
#include "sim/serving/request_state.hpp"

namespace llmsim::policies {

struct SchedulerLimits {
    int32_t max_batch_seqs = 256;     // --max-batch (vLLM max_num_seqs)
    int64_t max_batch_tokens = 8192;  // --max-batch-tokens (vLLM max_num_batched_tokens)
    int64_t chunk_size = 512;         // --chunk-size: Sarathi token budget per iteration
    int64_t max_model_len = 4096;     // tokens one request may hold (Orca reserves this much KV)
    double watermark = 0.01;          // fraction of KV blocks kept free when admitting (vLLM's watermark)
};

// What a replica offers its scheduler.
class SchedulerContext {
  public:
    virtual ~SchedulerContext() = default;
    virtual sim::KvBlockManager& kv() = 0;
    // Recompute preemption: frees the request's KV and resets its progress (it re-prefills prompt + generated).
    virtual void preempt(sim::RequestState& r) = 0;
};

class Scheduler {
  public:
    explicit Scheduler(const SchedulerLimits& limits) : limits_(limits) {}
    virtual ~Scheduler() = default;
    Scheduler(const Scheduler&) = delete;
    Scheduler& operator=(const Scheduler&) = delete;

    // A newly routed request (already admitted: it can fit the KV pool on its own).
    virtual void add(sim::RequestState& r) { waiting_.push_back(&r); }
    // Fills `batch` for the next iteration; leaves it empty when nothing can run now.
    virtual void schedule(sim::Batch& batch, SchedulerContext& ctx) = 0;

    [[nodiscard]] int64_t waiting() const { return static_cast<int64_t>(waiting_.size()); }
    [[nodiscard]] int64_t running() const { return static_cast<int64_t>(running_.size()); }
    [[nodiscard]] const SchedulerLimits& limits() const { return limits_; }

  protected:
    // Drops finished requests from the running list (done lazily, once per iteration, to keep finishing O(1)).
    void compact_running();
    [[nodiscard]] int64_t watermark_blocks(const sim::KvBlockManager& kv) const;
    // Grows a request's KV to cover `tokens`; false when the pool is short.
    static bool reserve_tokens(sim::RequestState& r, int64_t tokens, sim::KvBlockManager& kv);
    // Preempts the newest running request that is not executing (vLLM: lowest priority = latest arrival); returns
    // it, or nullptr when none can be preempted. The victim goes to the front of the waiting queue.
    sim::RequestState* preempt_newest(SchedulerContext& ctx);
    // Moves the front waiting request to running.
    sim::RequestState& admit_front();

    SchedulerLimits limits_;
    std::deque<sim::RequestState*> waiting_;
    std::vector<sim::RequestState*> running_;  // admission order (oldest first)
};

struct SchedulerInfo {
    std::string name;
    std::string description;
    std::function<std::unique_ptr<Scheduler>(const SchedulerLimits&)> factory;
    std::vector<std::string> params;  // flags the policy reads
};

const std::vector<SchedulerInfo>& scheduler_registry();
std::vector<std::string> scheduler_names();
std::unique_ptr<Scheduler> make_scheduler(const std::string& name, const SchedulerLimits& limits,
                                          const std::string& where = "--scheduler");

// Per-policy factories (defined in each policy's file).
std::unique_ptr<Scheduler> make_vllm_scheduler(const SchedulerLimits& limits);
std::unique_ptr<Scheduler> make_sarathi_scheduler(const SchedulerLimits& limits);
std::unique_ptr<Scheduler> make_orca_scheduler(const SchedulerLimits& limits);
std::unique_ptr<Scheduler> make_static_scheduler(const SchedulerLimits& limits);

}  // namespace llmsim::policies
