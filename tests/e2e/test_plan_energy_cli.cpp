// llmsim plan with an electricity price through the real binary: price 0 changes no byte of the output, a price adds
// each candidate's energy $/hour (its run's average power x PUE x price) to its instance price and ranks by the
// total, min-energy ranks by energy per output token, and bad prices exit 2 naming the flag.
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>

#include "common/json_io.hpp"
#include "tests/support/cli_checks.hpp"
#include "tests/support/test_support.hpp"

using namespace llmsim;
using namespace llmsim::test;

namespace {

std::vector<std::string> plan_args(std::vector<std::string> extra) {
    std::vector<std::string> args = {
        "plan",       "--model",       "llama-2-7b", "--hardware",     "a100,h100,l40s", "--tp", "1,2",
        "--replicas", "1..4",          "--lengths",  "fixed:1024:128", "--num-requests", "200",  "--slo-ttft-ms",
        "400",        "--slo-tpot-ms", "40",         "--quiet",        "--threads",      "2"};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
}

OrderedJson plan_json(const std::vector<std::string>& extra) {
    auto args = plan_args(extra);
    args.push_back("--json");
    const auto r = run_llmsim(args);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    OrderedJson j = OrderedJson::parse(r.out);
    j["search"]["wall_s"] = 0;  // the only figure that depends on the machine
    return j;
}

}  // namespace

TEST_CASE("plan --energy-price 0 leaves the JSON and CSV byte-identical", "[plan][energy][e2e]") {
    TempDir dir;
    for (const std::vector<std::string>& mode : {std::vector<std::string>{}, {"--target-qps", "20"}}) {
        auto without = mode;
        without.insert(without.end(), {"--csv", dir.file("a.csv")});
        auto zero = mode;
        zero.insert(zero.end(), {"--csv", dir.file("b.csv"), "--energy-price", "0"});
        const OrderedJson a = plan_json(without);
        CHECK(a.dump() == plan_json(zero).dump());
        CHECK(read_text(dir.file("a.csv")) == read_text(dir.file("b.csv")));
        CHECK_FALSE(a.contains("energy"));
        CHECK_FALSE(a.at("best").contains("total_usd_per_hour"));
        CHECK(read_text(dir.file("a.csv")).find("energy") == std::string::npos);
    }
}

TEST_CASE("plan --energy-price: energy $/h = average power x PUE x price, ranked by the total", "[plan][energy][e2e]") {
    const double price = 0.2, pue = 1.25;
    const OrderedJson plan = plan_json({"--energy-price", "0.2", "--pue", "1.25"});
    CHECK(plan.at("energy").at("usd_per_kwh").get<double>() == price);
    CHECK(plan.at("energy").at("pue").get<double>() == pue);
    double last_per_usd = 1e300;
    for (const auto& c : plan.at("candidates")) {
        if (c.at("rank").is_null()) continue;
        const double w = c.at("average_power_w_per_replica").get<double>();
        const double energy = c.at("energy_usd_per_hour_per_replica").get<double>();
        CHECK(w > 0);
        CHECK(energy == Approx(w * pue / 1000 * price).epsilon(1e-5));
        const double total = c.at("total_usd_per_hour_per_replica").get<double>();
        CHECK(total == Approx(c.at("usd_per_hour_per_replica").get<double>() + energy).epsilon(1e-6));
        const double per_usd = c.at("goodput_rps_per_usd_hour").get<double>();
        CHECK(per_usd == Approx(c.at("max_qps_per_replica").get<double>() / total).epsilon(1e-5));
        CHECK(per_usd <= last_per_usd);  // ranked by goodput per total $/hour
        last_per_usd = per_usd;
    }
    // The best deployment is one replica at its max-goodput rate: its power is that run's own figure.
    const OrderedJson& best = plan.at("best");
    CHECK(best.at("average_power_w").get<double>() ==
          Approx(best.at("summary").at("average_power_w").get<double>()).epsilon(1e-6));
    CHECK(best.at("total_usd_per_hour").get<double>() ==
          Approx(best.at("cost_usd_per_hour").get<double>() + best.at("energy_usd_per_hour").get<double>())
              .epsilon(1e-6));

    // With a target, each deployment is R x one replica's figures and the answer is the cheapest total.
    const OrderedJson t = plan_json({"--energy-price", "0.2", "--pue", "1.25", "--target-qps", "20"});
    const OrderedJson& tb = t.at("best");
    REQUIRE(tb.at("meets_slo").get<bool>());
    CHECK(tb.at("total_usd_per_hour").get<double>() ==
          Approx(tb.at("cost_usd_per_hour").get<double>() + tb.at("energy_usd_per_hour").get<double>()).epsilon(1e-6));
    for (const auto& c : t.at("candidates")) {
        if (c.at("total_usd_per_hour_for_target").is_null()) continue;
        CHECK(c.at("total_usd_per_hour_for_target").get<double>() >= tb.at("total_usd_per_hour").get<double>() - 1e-6);
    }
}

TEST_CASE("plan --pareto per-usd charges each probe the energy of its own rate", "[plan][energy][e2e]") {
    const OrderedJson plain = plan_json({"--pareto", "per-usd"});
    const OrderedJson priced = plan_json({"--pareto", "per-usd", "--energy-price", "0.5"});
    std::map<std::string, double> before;
    for (const auto& p : plain.at("pareto"))
        before[p.at("run_key").get<std::string>()] = p.at("output_tokens_per_usd").get<double>();
    int compared = 0;
    for (const auto& p : priced.at("pareto")) {
        const auto it = before.find(p.at("run_key").get<std::string>());
        if (it == before.end()) continue;
        CHECK(p.at("output_tokens_per_usd").get<double>() < it->second);  // the same tokens cost more
        ++compared;
    }
    CHECK(compared > 0);
}

TEST_CASE("plan --objective min-energy ranks by device energy per output token", "[plan][energy][e2e]") {
    const OrderedJson plan = plan_json({"--objective", "min-energy"});
    CHECK(plan.contains("energy"));
    double last = 0;
    for (const auto& c : plan.at("candidates")) {
        if (c.at("rank").is_null()) continue;
        const double j = c.at("energy_j_per_output_token").get<double>();
        CHECK(j >= last);
        last = j;
        CHECK_FALSE(c.contains("total_usd_per_hour_per_replica"));  // no price: no energy cost
    }
}

TEST_CASE("plan: bad electricity prices and PUE exit 2 naming the flag", "[plan][energy][e2e]") {
    check_exit2(run_llmsim(plan_args({"--energy-price", "-0.1"})), {"--energy-price", "-0.1"});
    check_exit2(run_llmsim(plan_args({"--energy-price", "abc"})), {"--energy-price"});
    check_exit2(run_llmsim(plan_args({"--energy-price", "0.1", "--pue", "0.9"})), {"--pue", "0.9"});
    check_exit2(run_llmsim(plan_args({"--energy-price", "0.1", "--pue", "3.5"})), {"--pue", "3.5"});
    check_exit2(run_llmsim(plan_args({"--pue", "1.2"})), {"--pue", "--energy-price"});
    check_exit2(run_llmsim(plan_args({"--objective", "min-watts"})), {"--objective", "min-energy"});
}
