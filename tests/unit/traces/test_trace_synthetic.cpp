// Synthetic arrivals and lengths, the built-in workload sampler, and the workload builder.
#include <catch2/catch.hpp>

#include <algorithm>

#include <cmath>
#include <limits>
#include <numeric>

#include "common/error.hpp"
#include "common/rng.hpp"
#include "tests/support/test_support.hpp"
#include "tests/unit/traces/trace_test_util.hpp"
#include "traces/builtin_workloads.hpp"
#include "traces/derive_stats.hpp"
#include "traces/stats_math.hpp"
#include "traces/synthetic/arrivals.hpp"
#include "traces/synthetic/lengths.hpp"
#include "traces/workload_builder.hpp"

using namespace llmsim;
using namespace llmsim::traces;
using llmsim::test::error_message;
using llmsim::test::TempDir;

namespace {

struct GapStats {
    double mean_s = 0;
    double cv = 0;
};

GapStats gap_stats(const std::vector<int64_t>& t) {
    std::vector<double> gaps;
    for (size_t i = 1; i < t.size(); ++i)
        gaps.push_back(static_cast<double>(t[i] - t[i - 1]) * 1e-9);
    const double n = static_cast<double>(gaps.size());
    const double mean = std::accumulate(gaps.begin(), gaps.end(), 0.0) / n;
    double var = 0;
    for (double g : gaps)
        var += (g - mean) * (g - mean);
    return {mean, std::sqrt(var / n) / mean};
}

bool same_requests(const Workload& a, const Workload& b) {
    if (a.requests.size() != b.requests.size()) return false;
    for (size_t i = 0; i < a.requests.size(); ++i) {
        const auto& x = a.requests[i];
        const auto& y = b.requests[i];
        if (x.arrival_ns != y.arrival_ns || x.prompt_tokens != y.prompt_tokens || x.output_tokens != y.output_tokens) {
            return false;
        }
    }
    return true;
}

}  // namespace

TEST_CASE("traces: arrival text parses and bad text names --arrival", "[traces]") {
    CHECK(parse_arrival("poisson").kind == ArrivalKind::poisson);
    CHECK(parse_arrival("uniform").kind == ArrivalKind::uniform);
    const ArrivalProcess g = parse_arrival("gamma:2.5");
    CHECK(g.kind == ArrivalKind::gamma);
    CHECK(g.cv == 2.5);
    CHECK(to_string(g) == "gamma:2.5");
    for (const char* bad : {"gamma", "gamma:", "gamma:0", "gamma:-1", "gamma:x", "gamma:1e9", "bursty", ""}) {
        const std::string msg = error_message<UsageError>([&] { (void)parse_arrival(bad); });
        INFO(msg);
        CHECK(msg.find("--arrival") != std::string::npos);
        CHECK(msg.find("poisson") != std::string::npos);
        CHECK(msg.find("gamma:CV") != std::string::npos);
    }
    CHECK(std::isinf(parse_qps("inf")));
    CHECK(parse_qps("2.5") == 2.5);
    for (const char* bad : {"0", "-1", "fast", "nan", ""}) {
        CHECK(error_message<UsageError>([&] { (void)parse_qps(bad); }).find("--qps") != std::string::npos);
    }
}

TEST_CASE("traces: poisson and gamma arrivals have the requested rate and CV", "[traces]") {
    Rng rng(11);
    const auto poisson = generate_arrivals(parse_arrival("poisson"), 4.0, 200'000, rng);
    REQUIRE(poisson.size() == 200'000);
    CHECK(poisson.front() == 0);
    CHECK(std::is_sorted(poisson.begin(), poisson.end()));
    const GapStats p = gap_stats(poisson);
    CHECK(p.mean_s == Approx(0.25).epsilon(0.01));
    CHECK(p.cv == Approx(1.0).epsilon(0.02));

    for (double cv : {0.5, 3.0}) {
        const auto gamma = generate_arrivals({ArrivalKind::gamma, cv}, 10.0, 200'000, rng);
        CHECK(std::is_sorted(gamma.begin(), gamma.end()));
        const GapStats s = gap_stats(gamma);
        INFO("cv " << cv);
        CHECK(s.mean_s == Approx(0.1).epsilon(0.03));
        CHECK(s.cv == Approx(cv).epsilon(0.05));
    }
}

TEST_CASE("traces: uniform arrivals are exactly evenly spaced and inf puts all at zero", "[traces]") {
    Rng rng(1);
    const auto u = generate_arrivals(parse_arrival("uniform"), 4.0, 9, rng);
    for (size_t i = 0; i < u.size(); ++i)
        CHECK(u[i] == static_cast<int64_t>(i) * 250'000'000);
    const auto thirds = generate_arrivals(parse_arrival("uniform"), 3.0, 4, rng);
    CHECK(thirds == std::vector<int64_t>{0, 333'333'333, 666'666'667, 1'000'000'000});
    for (const char* kind : {"poisson", "gamma:2", "uniform"}) {
        const auto z = generate_arrivals(parse_arrival(kind), std::numeric_limits<double>::infinity(), 50, rng);
        CHECK(std::all_of(z.begin(), z.end(), [](int64_t t) { return t == 0; }));
    }
    CHECK(generate_arrivals(parse_arrival("poisson"), 1.0, 0, rng).empty());
}

TEST_CASE("traces: lengths text parses and bad text names --lengths", "[traces]") {
    const LengthSpec f = parse_lengths("fixed:128:512");
    CHECK(f.kind == LengthKind::fixed);
    CHECK(f.prompt_tokens == 128);
    CHECK(f.output_tokens == 512);
    CHECK(to_string(f) == "fixed:128:512");
    CHECK(parse_lengths("trace:/x/y.csv").target == "/x/y.csv");
    CHECK(parse_lengths("builtin:sharegpt").kind == LengthKind::builtin);
    for (const char* bad : {"fixed:1", "fixed:0:5", "fixed:5:0", "fixed:a:b", "fixed:1:2:3", "fixed:-1:2",
                            "trace:", "uniform:1:2", "", "builtin:"}) {
        const std::string msg = error_message<UsageError>([&] { (void)parse_lengths(bad); });
        INFO(bad << " -> " << msg);
        CHECK(msg.find("--lengths") != std::string::npos);
    }
    const std::string unknown = error_message<UsageError>([] { (void)parse_lengths("builtin:sharegtp"); });
    CHECK(unknown.find("did you mean 'sharegpt'") != std::string::npos);
    CHECK(unknown.find("azure-conv-2023") != std::string::npos);
    // A missing trace file is an input error naming the path.
    const std::string missing =
        error_message<InputError>([] { LengthSampler s(parse_lengths("trace:/nonexistent/t.csv")); });
    CHECK(missing.find("/nonexistent/t.csv") != std::string::npos);
}

TEST_CASE("traces: built-in workloads are shipped with attribution and sane statistics", "[traces]") {
    const auto& all = builtin_workloads();
    std::vector<std::string> names;
    for (const auto& w : all)
        names.push_back(w.name);
    CHECK(names == std::vector<std::string>{"arxiv-summarization", "azure-code-2023", "azure-conv-2023",
                                            "mooncake-conversation", "sharegpt"});
    for (const auto& w : all) {
        INFO(w.name);
        CHECK_FALSE(w.description.empty());
        CHECK_FALSE(w.source_file.empty());
        CHECK_FALSE(w.upstream.empty());
        CHECK_FALSE(w.licence.empty());
        CHECK(w.prompt.quantiles.size() == 201);
        CHECK(w.output.quantiles.size() == 201);
        CHECK(w.prompt.quantiles.back() == static_cast<double>(w.prompt.max));
    }
    const auto& conv = find_builtin_workload("azure-conv-2023", "--lengths");
    CHECK(conv.requests == 19366);
    CHECK(conv.has_timestamps);
    CHECK(conv.mean_rate_per_s == Approx(5.53).epsilon(0.01));
    CHECK(conv.prompt.mean == Approx(1154.7).epsilon(0.001));
    CHECK_FALSE(find_builtin_workload("sharegpt", "--lengths").has_timestamps);
    CHECK(list_builtin_workloads().size() == all.size());
}

TEST_CASE("traces: built-in sampler reproduces the shipped marginals and correlation", "[traces]") {
    for (const auto& w : builtin_workloads()) {
        Rng rng(2024);
        const int n = 100'000;
        std::vector<double> prompt, output;
        for (int i = 0; i < n; ++i) {
            const auto [p, o] = sample_builtin_lengths(w, rng);
            REQUIRE(p >= 1);
            REQUIRE(o >= 1);
            prompt.push_back(p);
            output.push_back(o);
        }
        INFO(w.name);
        const double pm = std::accumulate(prompt.begin(), prompt.end(), 0.0) / n;
        const double om = std::accumulate(output.begin(), output.end(), 0.0) / n;
        CHECK(pm == Approx(w.prompt.mean).epsilon(0.02));
        CHECK(om == Approx(w.output.mean).epsilon(0.02));
        CHECK(gaussian_copula_correlation(prompt, output) == Approx(w.rank_correlation).margin(0.02));
        std::sort(prompt.begin(), prompt.end());
        std::sort(output.begin(), output.end());
        CHECK(sorted_quantile(prompt, 0.5) == Approx(w.prompt.median).epsilon(0.03));
        CHECK(sorted_quantile(output, 0.9) == Approx(w.output.p90).epsilon(0.03));
        CHECK(output.back() <= w.output.max);
    }
}

TEST_CASE("traces: statistics math helpers", "[traces]") {
    for (double p : {1e-6, 0.01, 0.3, 0.5, 0.9, 0.999})
        CHECK(normal_cdf(normal_quantile(p)) == Approx(p).epsilon(1e-9));
    CHECK(normal_quantile(0.975) == Approx(1.959963985).epsilon(1e-9));
    CHECK(quantile_grid_probability(0, 201) == 0.0);
    CHECK(quantile_grid_probability(100, 201) == 0.75);
    CHECK(quantile_grid_probability(200, 201) == 1.0);
    const std::vector<double> table = {0, 10, 20};  // p = 0, 0.75, 1
    CHECK(interpolate_quantile_table(table, 0.0) == 0);
    CHECK(interpolate_quantile_table(table, 0.375) == Approx(5));
    CHECK(interpolate_quantile_table(table, 0.75) == Approx(10));
    CHECK(interpolate_quantile_table(table, 0.875) == Approx(15));
    CHECK(interpolate_quantile_table(table, 1.0) == 20);
    const std::vector<double> data = {1, 2, 3, 4, 5};
    CHECK(sorted_quantile(data, 0.5) == 3);
    CHECK(sorted_quantile(data, 0.9) == Approx(4.6));
    CHECK(sorted_quantile(data, 1.0) == 5);
    const std::vector<double> y = {10, 20, 30, 40, 50};
    const std::vector<double> rev = {5, 4, 3, 2, 1};
    CHECK(gaussian_copula_correlation(data, y) == Approx(1.0));
    CHECK(gaussian_copula_correlation(data, rev) == Approx(-1.0));
    CHECK(gaussian_copula_correlation(data, std::vector<double>(5, 7.0)) == 0.0);
}

TEST_CASE("traces: derived statistics round-trip through the built-in parser", "[traces]") {
    Workload w;
    w.has_timestamps = true;
    w.source = "test";
    Rng rng(5);
    int64_t t = 0;
    for (int i = 0; i < 5000; ++i) {
        t += static_cast<int64_t>(rng.exponential(2.0) * 1e9);
        const auto p = static_cast<int32_t>(1 + rng.uniform_int(1000));
        const auto o = static_cast<int32_t>(1 + p / 4 + rng.uniform_int(50));
        w.requests.push_back({t, p, o, 0, 0});
    }
    DerivationSource src{"f.csv", "vidur", "someone/repo @ abc, f.csv", "MIT", "", "test workload"};
    const OrderedJson j = derive_workload_statistics(w, "unit-test", src);
    const std::string text = format_statistics_json(j);
    CHECK(text.size() < 8000);
    const BuiltinWorkload b = parse_builtin_workload(parse_json_text(text, "derived.json"), "derived.json");
    CHECK(b.name == "unit-test");
    CHECK(b.requests == 5000);
    CHECK(b.mean_rate_per_s == Approx(2.0).epsilon(0.05));
    CHECK(b.interarrival_cv == Approx(1.0).epsilon(0.05));
    CHECK(b.rank_correlation > 0.9);
    CHECK(b.prompt.quantiles.size() == 201);
    const TraceStats st = compute_trace_stats(w);
    CHECK(b.prompt.mean == Approx(st.prompt.mean).margin(0.05));

    // Unknown keys in a statistics file are rejected (a typo would otherwise be silently ignored).
    Json bad = parse_json_text(text, "derived.json");
    bad["requets"] = 1;
    CHECK_THROWS_AS(parse_builtin_workload(bad, "bad.json"), InputError);
}

TEST_CASE("traces: default workload is shaped like the Azure conversation trace", "[traces]") {
    const Workload w = build_workload({});
    REQUIRE(w.requests.size() == 1000);
    CHECK(w.has_timestamps);
    CHECK(w.source.find("builtin:azure-conv-2023") != std::string::npos);
    CHECK(w.source.find("gamma:1.094") != std::string::npos);
    const TraceStats st = compute_trace_stats(w);
    CHECK(st.mean_rate_per_s == Approx(5.53).epsilon(0.1));
    CHECK(st.prompt.mean == Approx(1154.7).epsilon(0.08));
    CHECK(st.output.mean == Approx(211.1).epsilon(0.08));
    CHECK(w.requests.front().arrival_ns == 0);
}

TEST_CASE("traces: same seed gives the same workload, another seed a different one", "[traces]") {
    WorkloadOptions o;
    o.num_requests = 500;
    o.qps = 3.0;
    o.arrival = "gamma:2";
    o.lengths = "builtin:sharegpt";
    o.seed = 7;
    const Workload a = build_workload(o);
    const Workload b = build_workload(o);
    CHECK(same_requests(a, b));
    o.seed = 8;
    CHECK_FALSE(same_requests(a, build_workload(o)));
    // Independent streams: changing the arrival process leaves the lengths unchanged.
    o.seed = 7;
    o.arrival = "uniform";
    const Workload c = build_workload(o);
    for (size_t i = 0; i < a.requests.size(); ++i) {
        CHECK(a.requests[i].prompt_tokens == c.requests[i].prompt_tokens);
        CHECK(c.requests[i].arrival_ns == static_cast<int64_t>(std::llround(static_cast<double>(i) * 1e9 / 3.0)));
    }
}

TEST_CASE("traces: builder replays, rescales and truncates timestamped traces", "[traces]") {
    TempDir dir;
    const auto path = dir.write("v.csv",
                                "arrived_at,num_prefill_tokens,num_decode_tokens\n"
                                "0,10,1\n1,20,2\n3,30,3\n4,40,4\n");
    WorkloadOptions o;
    o.trace_path = path;
    Workload w = build_workload(o);
    REQUIRE(w.requests.size() == 4);
    CHECK(w.requests[2].arrival_ns == 3'000'000'000);

    o.num_requests = 3;
    w = build_workload(o);
    REQUIRE(w.requests.size() == 3);
    CHECK(w.requests[2].prompt_tokens == 30);

    // Rescale to 2 req/s: 3 requests over 3 s (mean rate 2/3 req/s) -> 1 s span, same relative spacing.
    o.qps = 2.0;
    w = build_workload(o);
    CHECK(w.requests[0].arrival_ns == 0);
    CHECK(w.requests[1].arrival_ns == 333'333'333);
    CHECK(w.requests[2].arrival_ns == 1'000'000'000);
    CHECK(compute_trace_stats(w).mean_rate_per_s == Approx(2.0));

    o.qps = std::numeric_limits<double>::infinity();
    w = build_workload(o);
    CHECK(std::all_of(w.requests.begin(), w.requests.end(), [](const auto& r) { return r.arrival_ns == 0; }));

    o.qps.reset();
    o.num_requests = 5;
    CHECK(error_message<UsageError>([&] { (void)build_workload(o); }).find("--num-requests") != std::string::npos);
    o.num_requests = 0;
    CHECK(error_message<UsageError>([&] { (void)build_workload(o); }).find("--num-requests") != std::string::npos);
    o.num_requests.reset();
    o.arrival = "poisson";
    CHECK(error_message<UsageError>([&] { (void)build_workload(o); }).find("--arrival") != std::string::npos);
    o.arrival.reset();
    o.lengths = "fixed:1:1";
    CHECK(error_message<UsageError>([&] { (void)build_workload(o); }).find("--lengths") != std::string::npos);
    o.lengths.reset();
    o.trace_format = "azur";
    CHECK(error_message<UsageError>([&] { (void)build_workload(o); }).find("did you mean 'azure'") !=
          std::string::npos);
}

TEST_CASE("traces: builder wraps lengths-only traces and needs a rate for them", "[traces]") {
    TempDir dir;
    const auto path = dir.write("st.csv", "num_prefill_tokens,num_decode_tokens\n10,1\n20,0\n30,3\n");
    WorkloadOptions o;
    o.trace_path = path;
    const std::string msg = error_message<UsageError>([&] { (void)build_workload(o); });
    CHECK(msg.find("--qps") != std::string::npos);

    o.qps = 10.0;
    o.arrival = "uniform";
    o.num_requests = 7;
    const Workload w = build_workload(o);
    REQUIRE(w.requests.size() == 7);
    CHECK(w.has_timestamps);
    const std::vector<int32_t> expected = {10, 20, 30, 10, 20, 30, 10};
    for (size_t i = 0; i < 7; ++i) {
        CHECK(w.requests[i].prompt_tokens == expected[i]);
        CHECK(w.requests[i].arrival_ns == static_cast<int64_t>(i) * 100'000'000);
    }
    CHECK(w.requests[1].output_tokens == 1);
    CHECK(w.notes.size() == 2);  // the clamp and the wrap-around

    o.num_requests.reset();
    o.arrival.reset();
    CHECK(build_workload(o).requests.size() == 3);  // one pass by default
}

TEST_CASE("traces: builder samples lengths from fixed values and from traces", "[traces]") {
    WorkloadOptions o;
    o.lengths = "fixed:100:7";
    o.qps = 1.0;
    o.num_requests = 20;
    Workload w = build_workload(o);
    CHECK(std::all_of(w.requests.begin(), w.requests.end(),
                      [](const auto& r) { return r.prompt_tokens == 100 && r.output_tokens == 7; }));

    TempDir dir;
    const auto path =
        dir.write("m.jsonl", R"({"timestamp": 0, "input_length": 11, "output_length": 1, "hash_ids": [1]})"
                             "\n"
                             R"({"timestamp": 9, "input_length": 22, "output_length": 2, "hash_ids": [2]})"
                             "\n");
    o.lengths = "trace:" + path;
    o.num_requests = 2000;
    w = build_workload(o);
    const auto elevens = std::count_if(w.requests.begin(), w.requests.end(), [](const auto& r) {
        CHECK(((r.prompt_tokens == 11 && r.output_tokens == 1) || (r.prompt_tokens == 22 && r.output_tokens == 2)));
        return r.prompt_tokens == 11;
    });
    CHECK(elevens == Approx(1000).margin(100));
    CHECK(w.segments.empty());

    // A timestamped builtin supplies the rate; a lengths-only builtin does not.
    o = {};
    o.lengths = "builtin:sharegpt";
    CHECK(error_message<UsageError>([&] { (void)build_workload(o); }).find("--qps") != std::string::npos);
    o.lengths = "builtin:azure-code-2023";
    o.arrival = "poisson";
    w = build_workload(o);
    CHECK(w.source.find("poisson arrivals at qps 2.56") != std::string::npos);
}
