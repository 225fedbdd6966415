// Per-request columns (what run_requests returns) and requests.csv, which prints the same columns rounded.
#include <catch2/catch.hpp>

#include <cmath>

#include "sim/serving/metrics.hpp"
#include "sim/serving/request_lifecycle.hpp"
#include "sim/serving/request_table.hpp"

using namespace llmsim::sim;

namespace {
RequestState request(RequestPhase phase, int64_t arrival_ns, int32_t out) {
    RequestState r;
    RequestLifecycle::record_outcome(r, phase);
    r.arrival_ns = arrival_ns;
    r.prompt_tokens = 100;
    r.output_tokens = out;
    return r;
}

const RequestColumn& col(const RequestTable& t, const std::string& name) {
    for (const auto& c : t.columns) {
        if (c.name == name) return c;
    }
    FAIL("no column " << name);
    throw;
}
}  // namespace

TEST_CASE("request table: one value per request per column, no value where a request has none", "[metrics]") {
    RequestState done = request(RequestPhase::finished, 1'000'000'000, 3);  // arrives at 1 s
    done.id = 0;
    done.replica = 1;
    done.first_scheduled_ns = 1'002'000'000;  // queued 2 ms
    done.first_token_ns = 1'010'000'000;      // TTFT 10 ms
    done.finish_ns = 1'030'000'000;           // E2E 30 ms, TPOT (30 - 10) / 2 = 10 ms
    RequestState rejected = request(RequestPhase::rejected, 2'000'000'000, 5);
    rejected.id = 1;
    RequestState one_token = request(RequestPhase::finished, 0, 1);
    one_token.id = 2;
    one_token.first_scheduled_ns = 0;
    one_token.first_token_ns = one_token.finish_ns = 7'000'000;

    const RequestTable t = request_table({done, rejected, one_token}, false);
    CHECK(t.rows == 3);
    CHECK(t.columns.size() == 14);
    for (const auto& c : t.columns)
        CHECK(c.integers.size() + c.numbers.size() + c.texts.size() == 3);
    CHECK(col(t, "replica").integers == std::vector<int64_t>{1, -1, -1});
    CHECK(col(t, "status").texts == std::vector<std::string_view>{"completed", "rejected", "completed"});
    CHECK(col(t, "arrival_s").numbers[0] == Approx(1.0));
    CHECK(col(t, "queue_ms").numbers[0] == Approx(2.0));
    CHECK(col(t, "ttft_ms").numbers[0] == Approx(10.0));
    CHECK(col(t, "e2e_ms").numbers[0] == Approx(30.0));
    CHECK(col(t, "tpot_ms").numbers[0] == Approx(10.0));
    CHECK(std::isnan(col(t, "ttft_ms").numbers[1]));  // rejected: no latencies
    CHECK(std::isnan(col(t, "finish_s").numbers[1]));
    CHECK(std::isnan(col(t, "tpot_ms").numbers[2]));  // one output token: no TPOT
    CHECK(col(t, "e2e_ms").numbers[2] == Approx(7.0));
    CHECK(request_table({done}, true).columns.back().name == "spec_accepted_tokens");
}

TEST_CASE("requests.csv prints the table's columns rounded, empty where there is no value", "[metrics]") {
    RequestState done = request(RequestPhase::finished, 1'000'000'000, 3);
    done.first_scheduled_ns = 1'002'000'000;
    done.first_token_ns = 1'010'000'400;
    done.finish_ns = 1'030'000'000;
    RequestState rejected = request(RequestPhase::rejected, 2'000'000'000, 5);
    rejected.id = 1;
    CHECK(requests_csv({done, rejected}) ==
          "id,replica,arrival_s,prompt_tokens,output_tokens,status,first_scheduled_s,first_token_s,finish_s,queue_ms,"
          "ttft_ms,tpot_ms,e2e_ms,preemptions\n"
          "0,-1,1.000000,100,3,completed,1.002000,1.010000,1.030000,2.000,10.000,10.000,30.000,0\n"
          "1,-1,2.000000,100,5,rejected,,,,,,,,0\n");
}
