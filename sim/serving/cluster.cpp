#include "sim/serving/cluster.hpp"

#include "common/error.hpp"

namespace llmsim::sim {
namespace {

class Cluster final : public EventHandler, public RequestSink, public ClusterView, public KvTransferHost {
  public:
    Cluster(const ClusterConfig& config, const traces::Workload& workload, BatchObserver* observer)
        : config_(config), router_(config.make_router()) {
        LLMSIM_ASSERT(!config.pools.empty(), "a cluster needs at least one pool");
        for (auto* o : config.observers)
            lifecycle_.add_observer(o);
        requests_ = request_states_of(workload);
        for (const auto& r : requests_) {
            if (r.after >= 0) has_dependents_ = true;
        }
        if (has_dependents_) dependents_.resize(requests_.size());
        int32_t replicas_before = 0;
        for (size_t p = 0; p < config.pools.size(); ++p) {
            const PoolConfig& pool = config.pools[p];
            LLMSIM_ASSERT(pool.replicas >= 1, "a pool needs at least one replica");
            ReplicaParts parts = pool.parts;
            parts.kv.segments = &workload.segments;
            parts.observer_offset = replicas_before;
            replicas_before += pool.replicas;
            replicas_.emplace_back();
            for (int32_t i = 0; i < pool.replicas; ++i) {
                replicas_.back().push_back(
                    std::make_unique<Replica>(static_cast<int32_t>(p), i, engine_, parts, lifecycle_, *this, observer));
            }
            if (pool.role == PoolRole::prefill) disaggregated_ = true;
            if (pool.role == PoolRole::decode) has_decode_pool_ = true;
        }
        LLMSIM_ASSERT(disaggregated_ == has_decode_pool_, "a prefill pool needs a decode pool and the reverse");
        if (disaggregated_) transfers_ = std::make_unique<KvTransfers>(engine_, config.kv_transfer, *this);
    }

    ServingRun run() {
        if (!requests_.empty()) engine_.schedule_at(SimTime::from_ns(requests_[0].arrival_ns), *this, kArrivals, 0);
        engine_.run();
        ServingRun out;
        out.events = engine_.events_processed();
        for (size_t p = 0; p < replicas_.size(); ++p) {
            for (const auto& r : replicas_[p]) {
                out.replicas.push_back(r->stats());
                out.replica_pool.push_back(static_cast<int32_t>(p));
            }
        }
        const auto egress = static_cast<int64_t>(config_.front_end.egress_ns);
        for (auto& r : requests_) {
            LLMSIM_ASSERT(r.phase() == RequestPhase::finished || r.phase() == RequestPhase::rejected,
                          "simulation ended with request " + std::to_string(r.id) + " unfinished");
            if (egress > 0 && r.phase() == RequestPhase::finished) {
                r.first_token_ns += egress;
                r.finish_ns += egress;
            }
        }
        if (transfers_) {
            out.kv_transfer = transfers_->stats();
            LLMSIM_ASSERT(out.kv_transfer.in_progress == 0, "simulation ended with KV transfers in flight");
            // Conservation: every copy of every request's KV was freed, on the prefill and the decode side.
            for (const auto& pool : replicas_) {
                for (const auto& r : pool)
                    LLMSIM_ASSERT(r->load().kv_free_fraction == 1.0, "simulation ended with KV blocks held");
            }
        }
        out.requests = std::move(requests_);
        return out;
    }

    void on_event(uint32_t kind, uint64_t payload) override {
        auto i = static_cast<size_t>(payload);
        if (kind == kReleased) {
            enter(requests_[i]);
            return;
        }
        if (kind == kEntered) {
            admit(requests_[i]);
            return;
        }
        // Every request arriving at this instant is routed before any replica forms a batch (static batches and
        // prefill batches must see all of them).
        const int64_t now = requests_[i].arrival_ns;
        for (; i < requests_.size() && requests_[i].arrival_ns == now; ++i)
            arrive(requests_[i]);
        if (i < requests_.size()) engine_.schedule_at(SimTime::from_ns(requests_[i].arrival_ns), *this, kArrivals, i);
    }

    void on_finished(RequestState& r) override {
        release_dependents(r);
        // A decode replica's freed blocks may let queued transfers start.
        if (transfers_ && role(r.pool) == PoolRole::decode) transfers_->retry(r.pool, r.replica);
    }

    void on_prefilled(RequestState& r, int64_t iteration_ns) override {
        const int32_t from_pool = r.pool;
        const int32_t from_replica = r.replica;
        const Route to = router_->route_decode(r, *this);
        LLMSIM_ASSERT(to.pool >= 0 && to.pool < pools() && role(to.pool) == PoolRole::decode && to.replica >= 0 &&
                          to.replica < replicas(to.pool),
                      "router picked no decode replica");
        lifecycle_.migrate(r, to.pool, to.replica);
        transfers_->submit(r, from_pool, from_replica, iteration_ns);
    }

    // KvTransferHost
    bool reserve_decode_kv(RequestState& r) override { return at(r.pool, r.replica).reserve_incoming(r); }
    void kv_landed(RequestState& r, int32_t from_pool, int32_t from_replica) override {
        at(from_pool, from_replica).release_hold(r.id);
        at(r.pool, r.replica).accept(r);
    }

    // ClusterView
    [[nodiscard]] int32_t pools() const override { return static_cast<int32_t>(replicas_.size()); }
    [[nodiscard]] PoolRole role(int32_t pool) const override { return config_.pools[static_cast<size_t>(pool)].role; }
    [[nodiscard]] int32_t replicas(int32_t pool) const override {
        return static_cast<int32_t>(replicas_[static_cast<size_t>(pool)].size());
    }
    [[nodiscard]] ReplicaLoad load(int32_t pool, int32_t replica) const override { return at(pool, replica).load(); }
    [[nodiscard]] PrefixMatch cached_prefix(int32_t pool, int32_t replica, const RequestState& r) const override {
        return at(pool, replica).cached_prefix(r);
    }

  private:
    // kReleased: a follow-up turn is sent by the client; kEntered: a request passed the front end.
    enum EventKind : uint32_t { kArrivals = 0, kReleased = 1, kEntered = 2 };

    [[nodiscard]] Replica& at(int32_t pool, int32_t replica) const {
        return *replicas_[static_cast<size_t>(pool)][static_cast<size_t>(replica)];
    }

    void arrive(RequestState& r) {
        // A follow-up turn is sent when the answer it quotes has come back (the client waits for it).
        if (r.after >= 0) {
            const RequestState& prev = requests_[static_cast<size_t>(r.after)];
            if (prev.phase() != RequestPhase::finished && prev.phase() != RequestPhase::rejected) {
                dependents_[static_cast<size_t>(r.after)].push_back(r.id);
                return;
            }
        }
        enter(r);
    }

    void enter(RequestState& r) {
        const int64_t delay = config_.front_end.ingress_of(r.prompt_tokens);
        if (delay <= 0) {
            admit(r);
            return;
        }
        engine_.schedule_at(SimTime::from_ns(engine_.now().ns() + delay), *this, kEntered, r.id);
    }

    void release_dependents(const RequestState& r) {
        if (!has_dependents_) return;
        for (uint32_t d : dependents_[r.id]) {
            RequestState& next = requests_[d];
            next.arrival_ns =
                std::max(next.arrival_ns, engine_.now().ns() + static_cast<int64_t>(config_.front_end.egress_ns));
            engine_.schedule_at(SimTime::from_ns(next.arrival_ns), *this, kReleased, d);
        }
        dependents_[r.id].clear();
    }

    void admit(RequestState& r) {
        // A request that can never fit (too long for the model, or for an empty KV pool) is rejected up front,
        // as serving engines do, rather than blocking the queue forever.
        if (!fits_somewhere(r)) {
            lifecycle_.reject(r);
            release_dependents(r);
            return;
        }
        const Route route = router_->route(r, *this);
        LLMSIM_ASSERT(route.pool >= 0 && route.pool < pools() && route.replica >= 0 &&
                          route.replica < replicas(route.pool) && accepts_arrivals(route.pool),
                      "router picked no entry replica");
        at(route.pool, route.replica).add(r);
    }

    [[nodiscard]] bool fits_somewhere(const RequestState& r) const {
        // Disaggregated: the whole request must also fit a decode replica, where it ends.
        if (has_decode_pool_ && !fits_pool_of_role(r, PoolRole::decode)) return false;
        return fits_pool_of_role(r, PoolRole::mixed) || fits_pool_of_role(r, PoolRole::prefill);
    }

    [[nodiscard]] bool fits_pool_of_role(const RequestState& r, PoolRole pool_role) const {
        for (int32_t p = 0; p < pools(); ++p) {
            const PoolConfig& pool = config_.pools[static_cast<size_t>(p)];
            if (role(p) != pool_role || (pool.max_model_len > 0 && r.total_tokens() > pool.max_model_len)) continue;
            // A prefill replica holds the prompt and the one token its prefill samples.
            const int64_t tokens = pool_role == PoolRole::prefill ? r.prompt_tokens + 1 : r.total_tokens();
            if (at(p, 0).can_ever_fit(tokens)) return true;
        }
        return false;
    }

    const ClusterConfig& config_;
    Engine engine_;
    RequestLifecycle lifecycle_;
    std::unique_ptr<Router> router_;
    std::vector<std::vector<std::unique_ptr<Replica>>> replicas_;
    std::vector<RequestState> requests_;
    bool has_dependents_ = false;
    bool disaggregated_ = false;
    bool has_decode_pool_ = false;
    std::unique_ptr<KvTransfers> transfers_;         // disaggregated runs only
    std::vector<std::vector<uint32_t>> dependents_;  // by request: the follow-ups waiting for it
};

}  // namespace

Route Router::route_decode(const RequestState& /*r*/, const ClusterView& cluster) {
    Route best{-1, -1};
    ReplicaLoad best_load;
    for (int32_t p = 0; p < cluster.pools(); ++p) {
        if (cluster.role(p) != PoolRole::decode) continue;
        for (int32_t i = 0; i < cluster.replicas(p); ++i) {
            const ReplicaLoad l = cluster.load(p, i);
            const bool better = best.pool < 0 || l.outstanding_tokens < best_load.outstanding_tokens ||
                                (l.outstanding_tokens == best_load.outstanding_tokens &&
                                 l.kv_free_fraction > best_load.kv_free_fraction);
            if (better) {
                best = {p, i};
                best_load = l;
            }
        }
    }
    return best;
}

ServingRun run_cluster(const ClusterConfig& config, const traces::Workload& workload, BatchObserver* observer) {
    Cluster cluster(config, workload, observer);
    return cluster.run();
}

}  // namespace llmsim::sim
