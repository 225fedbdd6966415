#include "sim/serving/cluster.hpp"

#include "common/error.hpp"
#include "sim/serving/request_progress.hpp"

namespace llmsim::sim {
namespace {

class Cluster final : public EventHandler, public RequestSink {
  public:
    Cluster(const ClusterConfig& config, ForwardCost& cost, const traces::Workload& workload, BatchObserver* observer)
        : config_(config), workload_(workload), router_(policies::make_router(config.router)) {
        if (config.replicas < 1) throw UsageError("--replicas", "must be >= 1, got " + std::to_string(config.replicas));
        requests_ = request_states_of(workload);
        for (int32_t i = 0; i < config.replicas; ++i) {
            const SchedulerFactory factory = [&config] {
                return policies::make_scheduler(config.scheduler, config.limits);
            };
            replicas_.push_back(std::make_unique<Replica>(i, engine_, cost, factory, config.kv_blocks_per_replica,
                                                          config.block_tokens, *this, observer));
        }
        loads_.resize(static_cast<size_t>(config.replicas));
    }

    ServingRun run() {
        if (!requests_.empty()) engine_.schedule_at(SimTime::from_ns(requests_[0].arrival_ns), *this, 0, 0);
        engine_.run();
        ServingRun out;
        out.events = engine_.events_processed();
        for (const auto& r : replicas_)
            out.replicas.push_back(r->stats());
        for (const auto& r : requests_) {
            LLMSIM_ASSERT(r.phase == RequestPhase::finished || r.phase == RequestPhase::rejected,
                          "simulation ended with request " + std::to_string(r.id) + " unfinished");
        }
        out.requests = std::move(requests_);
        return out;
    }

    void on_event(uint32_t /*kind*/, uint64_t payload) override {
        // Every request arriving at this instant is routed before any replica forms a batch (static batches and
        // prefill batches must see all of them).
        auto i = static_cast<size_t>(payload);
        const int64_t now = requests_[i].arrival_ns;
        for (; i < requests_.size() && requests_[i].arrival_ns == now; ++i)
            admit(requests_[i]);
        if (i < requests_.size()) engine_.schedule_at(SimTime::from_ns(requests_[i].arrival_ns), *this, 0, i);
    }

    void admit(RequestState& r) {
        // A request that can never fit (too long for the model, or for an empty KV pool) is rejected up front,
        // as serving engines do, rather than blocking the queue forever.
        if (r.total_tokens() > config_.limits.max_model_len || !replicas_.front()->can_ever_fit(r.total_tokens())) {
            r.phase = RequestPhase::rejected;
            return;
        }
        for (size_t k = 0; k < replicas_.size(); ++k)
            loads_[k] = replicas_[k]->load();
        const int32_t pick = router_->route(loads_);
        LLMSIM_ASSERT(pick >= 0 && pick < static_cast<int32_t>(replicas_.size()), "router picked no replica");
        replicas_[static_cast<size_t>(pick)]->add(r);
    }

    void on_finished(RequestState& /*r*/) override {}

  private:
    ClusterConfig config_;
    const traces::Workload& workload_;
    Engine engine_;
    std::unique_ptr<policies::Router> router_;
    std::vector<std::unique_ptr<Replica>> replicas_;
    std::vector<policies::ReplicaLoad> loads_;
    std::vector<RequestState> requests_;
};

}  // namespace

ServingRun run_cluster(const ClusterConfig& config, ForwardCost& cost, const traces::Workload& workload,
                       BatchObserver* observer) {
    Cluster cluster(config, cost, workload, observer);
    return cluster.run();
}

}  // namespace llmsim::sim
