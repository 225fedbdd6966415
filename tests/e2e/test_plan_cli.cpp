// llmsim plan through the real binary: the answer meets its SLO when re-run with `llmsim run` and its cheaper
// neighbour does not (or the reason is printed), the Pareto front holds no dominated point, the store caches every
// run, and infeasible plans and bad input exit 2 naming what failed.
#include <catch2/catch.hpp>

#include <algorithm>

#include "common/json_io.hpp"
#include "tests/support/cli_checks.hpp"
#include "tests/support/test_support.hpp"

using namespace llmsim;
using namespace llmsim::test;

namespace {

const double kTtftMs = 400;
const double kTpotMs = 40;

// Llama-2-7B on A100/H100, TP 1-2, up to 4 replicas, 200 requests per replica: a few seconds of simulation.
std::vector<std::string> plan_args(const std::string& db, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {
        "plan",       "--model",       "llama-2-7b", "--hardware",     "a100,h100",      "--tp",      "1,2",
        "--replicas", "1..4",          "--lengths",  "fixed:1024:128", "--num-requests", "200",       "--slo-ttft-ms",
        "400",        "--slo-tpot-ms", "40",         "--quiet",        "--json",         "--threads", "2"};
    if (!db.empty()) {
        args.push_back("--db");
        args.push_back(db);
    }
    // An option given in `extra` replaces the default above; flags are appended.
    for (size_t i = 0; i < extra.size(); ++i) {
        const auto it = std::find(args.begin(), args.end(), extra[i]);
        const bool flag = extra[i] == "--max-goodput";
        if (it != args.end() && !flag && i + 1 < extra.size()) {
            *(it + 1) = extra[++i];
        } else {
            args.push_back(extra[i]);
        }
    }
    return args;
}

OrderedJson run_config(const TempDir& dir, const OrderedJson& config) {
    const std::string path = dir.write("config.json", config.dump());
    const auto r = run_llmsim({"run", "--config", path, "--json"});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    return OrderedJson::parse(r.out);
}

bool meets(const OrderedJson& s) {
    return s.at("ttft_ms").at("p90").get<double>() <= kTtftMs && s.at("tpot_ms").at("p90").get<double>() <= kTpotMs &&
           s.at("slo_attainment").get<double>() >= 0.9;
}

}  // namespace

TEST_CASE("plan --target-qps: the answer meets its SLO in `run`, the cheaper neighbour does not", "[plan][e2e]") {
    TempDir dir;
    const auto r = run_llmsim(plan_args(dir.file("plan.sqlite"), {"--target-qps", "40"}));
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    const OrderedJson plan = OrderedJson::parse(r.out);
    const OrderedJson& best = plan.at("best");
    REQUIRE(best.at("meets_slo").get<bool>());
    CHECK(best.at("config").at("qps").get<double>() == 40);
    CHECK(best.at("gpus").get<int64_t>() ==
          best.at("replicas").get<int64_t>() * best.at("config").at("tp").get<int64_t>());

    // Re-run as a user would: the same summary, meeting the SLO.
    const OrderedJson again = run_config(dir, best.at("config"));
    CHECK(meets(again));
    CHECK(again.at("ttft_ms") == best.at("summary").at("ttft_ms"));
    CHECK(again.at("slo_attainment") == best.at("summary").at("slo_attainment"));

    // The same deployment with one replica fewer fails it, or the plan says why there is none.
    if (!plan.at("cheaper_neighbour").is_null()) {
        const OrderedJson& n = plan.at("cheaper_neighbour");
        CHECK(n.at("replicas").get<int64_t>() < best.at("replicas").get<int64_t>());
        CHECK_FALSE(n.at("violation").is_null());
        CHECK_FALSE(meets(run_config(dir, n.at("config"))));
    } else {
        CHECK(plan.at("neighbour_note").is_string());
    }
    // Every cheaper option carries its reason.
    if (!plan.at("next_cheaper").is_null()) {
        CHECK(plan.at("next_cheaper").at("cost_usd_per_hour").get<double>() <
              best.at("cost_usd_per_hour").get<double>());
        CHECK_FALSE(plan.at("next_cheaper").at("reason").get<std::string>().empty());
    }
    // Each candidate's best rate met the SLO and the rate above it did not.
    for (const auto& c : plan.at("candidates")) {
        if (c.at("status") != "ok") continue;
        bool met_max = false;
        for (const auto& p : c.at("probes")) {
            if (p.at("qps").is_number() && p.at("qps").get<double>() == c.at("max_qps_per_replica").get<double>()) {
                met_max = p.at("meets_slo").get<bool>();
            }
            if (p.at("qps").is_number() && p.at("qps").get<double>() > c.at("max_qps_per_replica").get<double>()) {
                CHECK_FALSE(p.at("meets_slo").get<bool>());
            }
        }
        CHECK(met_max);
    }

    // A re-plan finds every run in the store and gives the same answer.
    const auto r2 = run_llmsim(plan_args(dir.file("plan.sqlite"), {"--target-qps", "40"}));
    REQUIRE(r2.exit_code == 0);
    const OrderedJson plan2 = OrderedJson::parse(r2.out);
    CHECK(plan2.at("search").at("runs_simulated").get<int64_t>() == 0);
    CHECK(plan2.at("search").at("runs_cached").get<int64_t>() ==
          plan.at("search").at("runs_simulated").get<int64_t>() + plan.at("search").at("runs_cached").get<int64_t>());
    CHECK(plan2.at("best").at("run_key") == best.at("run_key"));
    // The store's keys are the sweep's: `query` finds the answer's run by its key.
    const auto q =
        run_llmsim({"query", "--db", dir.file("plan.sqlite"), "--json",
                    "SELECT replicas, qps FROM runs WHERE run_key = '" + best.at("run_key").get<std::string>() + "'"});
    REQUIRE(q.exit_code == 0);
    CHECK(OrderedJson::parse(q.out).size() == 1);
}

TEST_CASE("plan: the Pareto front has no dominated point; output does not depend on threads", "[plan][e2e]") {
    auto one = run_llmsim(plan_args("", {"--threads", "1", "--max-goodput"}));
    auto two = run_llmsim(plan_args("", {"--threads", "2", "--max-goodput"}));
    REQUIRE(one.exit_code == 0);
    REQUIRE(two.exit_code == 0);
    OrderedJson a = OrderedJson::parse(one.out);
    OrderedJson b = OrderedJson::parse(two.out);
    a["search"].erase("wall_s");
    b["search"].erase("wall_s");
    CHECK(a == b);
    const OrderedJson& front = a.at("pareto");
    REQUIRE(front.size() >= 2);
    const auto thr = [](const OrderedJson& p) { return p.at("output_tokens_per_s_per_gpu").get<double>(); };
    const auto lat = [](const OrderedJson& p) { return p.at("e2e_ms_p90").get<double>(); };
    for (const auto& p : front) {
        for (const auto& q : front) {
            const bool dominated = thr(q) >= thr(p) && lat(q) <= lat(p) && (thr(q) > thr(p) || lat(q) < lat(p));
            CHECK_FALSE(dominated);
        }
    }
    // Ranked by goodput per replica, best first; the answer is the top candidate at its highest rate.
    const OrderedJson& c = a.at("candidates");
    for (size_t i = 1; i < c.size() && c[i].at("rank").is_number(); ++i)
        CHECK(c[i - 1].at("max_qps_per_replica").get<double>() >= c[i].at("max_qps_per_replica").get<double>());
    CHECK(a.at("best").at("config").at("qps") == c[0].at("max_qps_per_replica"));
}

TEST_CASE("plan: pruned combinations are counted with their reason", "[plan][e2e]") {
    const auto r =
        run_llmsim({"plan",         "--model",        "llama-2-70b", "--hardware",    "l40s,h100", "--tp",
                    "1,2,4,3",      "--pp",           "1",           "--replicas",    "1",         "--lengths",
                    "fixed:512:64", "--num-requests", "50",          "--slo-ttft-ms", "5000",      "--quiet",
                    "--json",       "--max-goodput"});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    const OrderedJson plan = OrderedJson::parse(r.out);
    const OrderedJson& by = plan.at("search").at("pruned_by_reason");
    CHECK(by.at("TP does not divide the attention or KV heads").get<int64_t>() == 2);  // tp=3 on both
    CHECK(by.at("weights + activations + runtime exceed the usable memory per GPU").get<int64_t>() >= 3);
    CHECK(plan.at("search").at("candidates").get<int64_t>() + plan.at("search").at("pruned").get<int64_t>() ==
          plan.at("search").at("combinations").get<int64_t>());
}

TEST_CASE("plan: infeasible plans and bad input exit 2 naming the constraint or flag", "[plan][e2e]") {
    // No load meets a 1 ms TTFT: the TTFT target is named.
    check_exit2(run_llmsim({"plan", "--model", "llama-2-7b", "--hardware", "a100", "--tp", "1", "--replicas", "1",
                            "--lengths", "fixed:512:64", "--num-requests", "50", "--slo-ttft-ms", "1", "--quiet"}),
                {"--slo-ttft-ms", "no deployment meets the SLO"});
    // A rate beyond every deployment in the replica range: the target is named with the best reachable rate.
    check_exit2(run_llmsim(plan_args("", {"--target-qps", "100000", "--tp", "1", "--hardware", "a100"})),
                {"--target-qps", "no deployment reaches 100000 req/s"});
    check_exit2(run_llmsim(plan_args("", {"--hardware", "h10"})), {"--hardware", "did you mean"});
    check_exit2(run_llmsim(plan_args("", {"--tp", ""})), {"--tp", "empty list"});
    check_exit2(run_llmsim(plan_args("", {"--replicas", "8..1"})), {"--replicas", "runs backwards"});
    check_exit2(run_llmsim(plan_args("", {"--pp", "0"})), {"--pp", "out of range"});
    check_exit2(run_llmsim(plan_args("", {"--slo-percentile", "95"})), {"--slo-percentile", "50, 90 or 99"});
    check_exit2(run_llmsim(plan_args("", {"--slo-attainment", "1.5"})), {"--slo-attainment"});
    check_exit2(run_llmsim(plan_args("", {"--scheduler", "vlm"})), {"--scheduler", "vllm"});
    check_exit2(run_llmsim(plan_args("", {"--target-qps", "5", "--max-goodput"})), {"--max-goodput"});
    check_exit2(run_llmsim({"plan", "--model", "llama-2-7b", "--hardware", "a100", "--quiet"}),
                {"--slo-ttft-ms", "latency target"});
    TempDir dir;
    check_exit2(run_llmsim(plan_args("", {"--workload", dir.write("w.json", "{}")})), {"--workload"});
    check_exit2(run_llmsim(plan_args("", {"--config", dir.write("c.json", R"({"tp": 2})")})),
                {"c.json#/tp", "searches"});
    // Everything pruned: the reason and the first message.
    check_exit2(run_llmsim({"plan", "--model", "llama-2-70b", "--hardware", "l40s", "--tp", "1", "--replicas", "1",
                            "--slo-ttft-ms", "500", "--quiet"}),
                {"nothing to plan", "does not fit"});
}
