#include <catch2/catch.hpp>

#include "common/error.hpp"
#include "policies/kv/kv_managers.hpp"
#include "policies/router/router.hpp"
#include "tests/unit/sim_fixture.hpp"

using namespace llmsim;
using namespace llmsim::test;

namespace {

// One mixed pool whose replicas report the loads and cached prefixes a test sets.
class FakeCluster final : public sim::ClusterView {
  public:
    explicit FakeCluster(size_t replicas) : loads(replicas), cached(replicas, 0) {}
    [[nodiscard]] int32_t pools() const override { return 1; }
    [[nodiscard]] sim::PoolRole role(int32_t) const override { return sim::PoolRole::mixed; }
    [[nodiscard]] int32_t replicas(int32_t) const override { return static_cast<int32_t>(loads.size()); }
    [[nodiscard]] sim::ReplicaLoad load(int32_t, int32_t i) const override { return loads[static_cast<size_t>(i)]; }
    [[nodiscard]] sim::PrefixMatch cached_prefix(int32_t, int32_t i, const sim::RequestState&) const override {
        sim::PrefixMatch m;
        m.tokens = cached[static_cast<size_t>(i)];
        m.tier_tokens[0] = m.tokens;
        return m;
    }
    std::vector<sim::ReplicaLoad> loads;
    std::vector<int64_t> cached;
};

int32_t pick(sim::Router& router, const FakeCluster& c, int32_t prompt = 100) {
    sim::RequestState r;
    r.prompt_tokens = prompt;
    return router.route(r, c).replica;
}

}  // namespace

TEST_CASE("round-robin cycles, least-outstanding and least-tokens pick the lightest replica", "[router]") {
    FakeCluster c(3);
    auto rr = policies::make_router("round-robin");
    CHECK(pick(*rr, c) == 0);
    CHECK(pick(*rr, c) == 1);
    CHECK(pick(*rr, c) == 2);
    CHECK(pick(*rr, c) == 0);
    c.loads[0].outstanding_requests = 5;
    c.loads[1].outstanding_requests = 2;
    c.loads[2].outstanding_requests = 2;
    CHECK(pick(*policies::make_router("least-outstanding"), c) == 1);  // ties: lowest index
    c.loads[1].outstanding_tokens = 9000;
    c.loads[2].outstanding_tokens = 100;
    c.loads[0].outstanding_tokens = 500;
    CHECK(pick(*policies::make_router("least-tokens"), c) == 2);
    CHECK_THROWS_WITH(policies::make_router("random"), Catch::Contains("--router") && Catch::Contains("round-robin"));
}

TEST_CASE("prefix-aware routes to the longest cached prefix unless loads are imbalanced", "[router]") {
    FakeCluster c(3);
    c.loads[0].outstanding_tokens = 10;  // least tokens: replica 0
    c.loads[1].outstanding_tokens = 50;
    c.loads[2].outstanding_tokens = 90;
    c.cached = {0, 40, 80};
    auto router = policies::make_router("prefix-aware");
    CHECK(pick(*router, c) == 2);  // 80% of the prompt cached > threshold 0.5
    c.cached = {0, 40, 45};
    CHECK(pick(*router, c) == 0);  // best match 45% <= 0.5: least tokens
    c.cached = {0, 40, 80};
    c.loads[2].outstanding_requests = 100;  // max - min = 100 > 32 and 100 > 1.0001 x 0: imbalanced
    CHECK(pick(*router, c) == 0);
    auto strict = policies::make_router("prefix-aware:cache_threshold=0.9");
    c.loads[2].outstanding_requests = 0;
    CHECK(pick(*strict, c) == 0);
    CHECK_THROWS_WITH(policies::make_router("prefix-aware:cache=0.5"),
                      Catch::Contains("--router") && Catch::Contains("cache_threshold"));
    CHECK_THROWS_WITH(policies::make_router("prefix-aware:cache_threshold=2"), Catch::Contains("[0, 1]"));
    CHECK_THROWS_WITH(policies::make_router("round-robin:x=1"), Catch::Contains("takes no parameters"));
}

TEST_CASE("least-outstanding balances a burst across replicas", "[router]") {
    auto cost = instant_cost();
    auto cfg = cluster_of("sarathi");
    cfg.replicas = 4;
    cfg.router = "least-outstanding";
    std::vector<Req> burst(40, Req{0, 16, 4});
    const auto run = policies::simulate(cfg, cost, workload_of(burst));
    std::vector<int> per_replica(4);
    for (const auto& r : run.requests)
        per_replica[static_cast<size_t>(r.replica)]++;
    CHECK(per_replica == std::vector<int>{10, 10, 10, 10});
}

TEST_CASE("KV block pool: allocation never exceeds capacity", "[kv]") {
    sim::KvCacheOptions o;
    o.capacity_blocks = 10;
    o.block_tokens = 16;
    auto kv = policies::make_paged_blocks(o);
    sim::RequestState a, b;
    a.id = 0;
    b.id = 1;
    CHECK(kv->blocks_for(1) == 1);
    CHECK(kv->blocks_for(16) == 1);
    CHECK(kv->blocks_for(17) == 2);
    CHECK(kv->allocate(a, 8 * 16));
    CHECK(a.kv_blocks() == 8);
    CHECK(kv->free_blocks() == 2);
    CHECK_FALSE(kv->can_allocate(b, 3 * 16));
    CHECK_FALSE(kv->allocate(b, 3 * 16));  // nothing changes when short
    CHECK(b.kv_blocks() == 0);
    CHECK(kv->covers(a, 8 * 16));
    CHECK_FALSE(kv->covers(a, 8 * 16 + 1));
    kv->free(a);
    CHECK(a.kv_blocks() == 0);
    CHECK(kv->usage().peak_used_blocks == 8);
    CHECK(kv->free_blocks() == 10);
}
