// `llmsim trace stats|derive|generate` through the real binary.
#include <catch2/catch.hpp>

#include "common/json_io.hpp"
#include "tests/support/test_support.hpp"
#include "traces/builtin_workloads.hpp"
#include "traces/trace_format.hpp"
#include "traces/workload_builder.hpp"

using namespace llmsim;
using llmsim::test::run_llmsim;
using llmsim::test::TempDir;

TEST_CASE("traces: llmsim trace stats prints a table or one JSON object", "[traces][cli]") {
    TempDir dir;
    const auto path = dir.write("v.csv", "arrived_at,num_prefill_tokens,num_decode_tokens\n0,10,0\n1,30,4\n2,20,2\n");
    auto r = run_llmsim({"trace", "stats", "--trace", path});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.find("requests          3") != std::string::npos);
    CHECK(r.out.find("mean arrival rate 1.000 req/s") != std::string::npos);
    CHECK(r.err.find("clamped to 1") != std::string::npos);

    r = run_llmsim({"trace", "stats", "--trace", path, "--json"});
    REQUIRE(r.exit_code == 0);
    const Json j = parse_json_text(r.out, "stdout");
    CHECK(j["requests"] == 3);
    CHECK(j["prompt_tokens"]["mean"] == 20.0);
    CHECK(j["span_s"] == 2.0);

    r = run_llmsim({"trace", "stats", "--trace", path, "--trace-format", "azur"});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("did you mean 'azure'") != std::string::npos);

    const auto bad = dir.write("bad.csv", "arrived_at,num_prefill_tokens,num_decode_tokens\n0,10,0\n1,-30,4\n");
    r = run_llmsim({"trace", "stats", "--trace", bad});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find(bad + ":3") != std::string::npos);
    CHECK(r.err.find("-30") != std::string::npos);
}

TEST_CASE("traces: llmsim trace derive writes a loadable statistics file", "[traces][cli]") {
    TempDir dir;
    std::string csv = "num_prefill_tokens,num_decode_tokens\n";
    for (int i = 1; i <= 300; ++i)
        csv += std::to_string(i * 3) + "," + std::to_string(i) + "\n";
    const auto path = dir.write("lengths.csv", csv);
    const auto out = dir.file("derived.json");
    auto r = run_llmsim({"trace", "derive", "--trace", path, "--name", "my-shape", "--out", out, "--description",
                         "test shape", "--upstream", "nowhere", "--licence", "CC0"});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    const auto w = traces::parse_builtin_workload(load_json_file(out), out);
    CHECK(w.name == "my-shape");
    CHECK(w.source_file == "lengths.csv");
    CHECK(w.source_format == "sharegpt-stats");
    CHECK(w.requests == 300);
    CHECK_FALSE(w.has_timestamps);
    CHECK(w.prompt.quantiles.front() == 3);
    CHECK(w.prompt.quantiles.back() == 900);
    CHECK(w.rank_correlation == Approx(1.0).margin(1e-3));

    r = run_llmsim({"trace", "derive", "--trace", path, "--name", "bad name", "--out", out});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("--name") != std::string::npos);
}

TEST_CASE("traces: llmsim trace generate round-trips through the vidur reader", "[traces][cli]") {
    TempDir dir;
    const auto out = dir.file("gen.csv");
    auto r = run_llmsim({"trace", "generate", "--num-requests", "50", "--qps", "4", "--arrival", "gamma:2", "--lengths",
                         "builtin:sharegpt", "--seed", "3", "--out", out});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    traces::WorkloadOptions o;
    o.num_requests = 50;
    o.qps = 4.0;
    o.arrival = "gamma:2";
    o.lengths = "builtin:sharegpt";
    o.seed = 3;
    const auto expected = traces::build_workload(o);
    const auto back = traces::read_trace(out, "vidur");
    REQUIRE(back.requests.size() == 50);
    for (size_t i = 0; i < 50; ++i) {
        CHECK(back.requests[i].arrival_ns == expected.requests[i].arrival_ns);
        CHECK(back.requests[i].prompt_tokens == expected.requests[i].prompt_tokens);
        CHECK(back.requests[i].output_tokens == expected.requests[i].output_tokens);
    }

    r = run_llmsim({"trace", "generate", "--lengths", "fixed:1:1", "--qps", "fast"});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("--qps") != std::string::npos);
    CHECK(r.out.empty());
}
