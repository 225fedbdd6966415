// Electricity in the planner's cost, computed by hand: energy $/hour = device W x PUE / 1000 x $/kWh, added to the
// instance price; a price can flip which hardware ranks first; price 0 ranks exactly as the instance price does.
#include <catch2/catch.hpp>

#include "tools/plan/plan_energy.hpp"
#include "tools/plan/plan_search.hpp"

using namespace llmsim;
using namespace llmsim::tools;

namespace {

// Two one-GPU replicas with the same goodput (10 req/s): "cheap-hot" costs $2.00/h and draws 1000 W at its
// operating point (0.5 J per output token), "dear-cool" costs $2.20/h and draws 200 W (0.1 J per output token).
PlanSpace two_options() {
    PlanSpace space;
    for (const auto& [id, usd] : {std::pair{"cheap-hot", 2.00}, std::pair{"dear-cool", 2.20}}) {
        Candidate c;
        c.index = static_cast<int64_t>(space.candidates.size());
        c.hardware = id;
        c.label = id;
        c.gpus = 1;
        c.usd_per_hour = usd;
        space.candidates.push_back(c);
    }
    return space;
}

std::vector<CandidateResult> two_results() {
    std::vector<CandidateResult> results(2);
    for (auto& r : results) {
        r.status = "ok";
        r.max_qps = 10;
    }
    results[0].power_w = 1000;
    results[0].joules_per_output_token = 0.5;
    results[1].power_w = 200;
    results[1].joules_per_output_token = 0.1;
    return results;
}

}  // namespace

TEST_CASE("energy cost: watts x PUE x price per kWh", "[plan][energy]") {
    CHECK(energy_usd_per_hour(1000, {0.30, 1.5}) == Approx(0.45));  // 1 kW x 1.5 = 1.5 kWh per hour x $0.30
    CHECK(energy_usd_per_hour(200, {0.30, 1.5}) == Approx(0.09));
    CHECK(energy_usd_per_hour(700, {0.0, 1.0}) == 0.0);

    OrderedJson s;
    s["average_power_w"] = 553.5;
    s["energy_j_per_token"] = {{"output", 0.25}, {"total", nullptr}};
    CHECK(run_power_w(s) == 553.5);
    CHECK(run_joules_per_output_token(s) == 0.25);
    s["energy_j_per_token"]["output"] = nullptr;
    CHECK_FALSE(run_joules_per_output_token(s));
    CHECK_FALSE(run_power_w(OrderedJson::object()));  // a device without a power model
}

TEST_CASE("energy price flips the min-cost ranking between two hardware options", "[plan][energy]") {
    const PlanSpace space = two_options();
    const auto results = two_results();
    PlanOptions o;
    o.objective = PlanObjective::min_cost;

    // Not counted: 10 / 2.00 = 5.0 req/s per $/h beats 10 / 2.20 = 4.545.
    CHECK(rank_candidates(space, results, o) == std::vector<size_t>{0, 1});
    CHECK(*goodput_per_usd_hour(space.candidates[0], results[0], o) == Approx(5.0));
    CHECK_FALSE(replica_energy_usd_per_hour(results[0], o));
    CHECK(*replica_total_usd_per_hour(space.candidates[0], results[0], o) == 2.00);

    // $0.30/kWh at PUE 1.5: 2.00 + 0.45 = 2.45 (4.082 per $/h) against 2.20 + 0.09 = 2.29 (4.367): the cool one wins.
    o.energy = {0.30, 1.5};
    CHECK(*replica_energy_usd_per_hour(results[0], o) == Approx(0.45));
    CHECK(*replica_total_usd_per_hour(space.candidates[0], results[0], o) == Approx(2.45));
    CHECK(*replica_total_usd_per_hour(space.candidates[1], results[1], o) == Approx(2.29));
    CHECK(*goodput_per_usd_hour(space.candidates[1], results[1], o) == Approx(10 / 2.29));
    CHECK(rank_candidates(space, results, o) == std::vector<size_t>{1, 0});

    // The break-even price: 0.20 $/h of instance difference = (1000 - 200) W x 1.5 / 1000 x p, so p = 1/6 $/kWh.
    o.energy = {0.16, 1.5};
    CHECK(rank_candidates(space, results, o) == std::vector<size_t>{0, 1});
    o.energy = {0.17, 1.5};
    CHECK(rank_candidates(space, results, o) == std::vector<size_t>{1, 0});
}

TEST_CASE("energy: min-gpus breaks ties on the total; min-energy ranks by J per output token", "[plan][energy]") {
    const PlanSpace space = two_options();
    const auto results = two_results();
    PlanOptions o;
    o.objective = PlanObjective::min_gpus;  // equal goodput per GPU: the cheaper total wins
    CHECK(rank_candidates(space, results, o) == std::vector<size_t>{0, 1});
    o.energy = {0.30, 1.5};
    CHECK(rank_candidates(space, results, o) == std::vector<size_t>{1, 0});

    o = PlanOptions{};
    o.objective = PlanObjective::min_energy;  // no price needed: 0.1 J/token before 0.5 J/token
    CHECK(rank_candidates(space, results, o) == std::vector<size_t>{1, 0});
    CHECK(o.shows_energy());
    CHECK_FALSE(PlanOptions{}.shows_energy());

    // A device without a power model ranks last on energy, and is unpriced once energy is counted.
    auto unknown = results;
    unknown[1].power_w.reset();
    unknown[1].joules_per_output_token.reset();
    CHECK(rank_candidates(space, unknown, o) == std::vector<size_t>{0, 1});
    o.objective = PlanObjective::min_cost;
    o.energy = {0.30, 1.5};
    CHECK_FALSE(replica_total_usd_per_hour(space.candidates[1], unknown[1], o));
    CHECK(rank_candidates(space, unknown, o) == std::vector<size_t>{0, 1});
}
