#include <catch2/catch.hpp>

#include "common/error.hpp"
#include "policies/router/router.hpp"
#include "sim/serving/cluster.hpp"
#include "sim/serving/kv_block_manager.hpp"
#include "tests/unit/sim_fixture.hpp"

using namespace llmsim;
using namespace llmsim::test;

TEST_CASE("round-robin cycles, least-outstanding and least-tokens pick the lightest replica", "[router]") {
    auto rr = policies::make_router("round-robin");
    std::vector<policies::ReplicaLoad> loads(3);
    CHECK(rr->route(loads) == 0);
    CHECK(rr->route(loads) == 1);
    CHECK(rr->route(loads) == 2);
    CHECK(rr->route(loads) == 0);
    loads[0].outstanding_requests = 5;
    loads[1].outstanding_requests = 2;
    loads[2].outstanding_requests = 2;
    CHECK(policies::make_router("least-outstanding")->route(loads) == 1);  // ties: lowest index
    loads[1].outstanding_tokens = 9000;
    loads[2].outstanding_tokens = 100;
    loads[0].outstanding_tokens = 500;
    CHECK(policies::make_router("least-tokens")->route(loads) == 2);
    CHECK_THROWS_WITH(policies::make_router("random"), Catch::Contains("--router") && Catch::Contains("round-robin"));
}

TEST_CASE("least-outstanding balances a burst across replicas", "[router]") {
    auto cost = instant_cost();
    auto cfg = cluster_of("sarathi");
    cfg.replicas = 4;
    cfg.router = "least-outstanding";
    std::vector<Req> burst(40, Req{0, 16, 4});
    const auto run = sim::run_cluster(cfg, cost, workload_of(burst));
    std::vector<int> per_replica(4);
    for (const auto& r : run.requests)
        per_replica[static_cast<size_t>(r.replica)]++;
    CHECK(per_replica == std::vector<int>{10, 10, 10, 10});
}

TEST_CASE("KV block pool: allocation never exceeds capacity", "[kv]") {
    sim::KvBlockManager kv(10, 16);
    CHECK(kv.blocks_for(1) == 1);
    CHECK(kv.blocks_for(16) == 1);
    CHECK(kv.blocks_for(17) == 2);
    kv.allocate(8);
    CHECK(kv.free_blocks() == 2);
    CHECK_FALSE(kv.can_allocate(3));
    CHECK_THROWS_AS(kv.allocate(3), InternalError);  // always-on invariant
    kv.release(8);
    CHECK(kv.peak_used() == 8);
    CHECK_THROWS_AS(kv.release(1), InternalError);
}
