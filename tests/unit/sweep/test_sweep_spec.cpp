// Sweep specs: grid and zip expansion order, ranges, and the spec errors that exit 2 before anything runs.
#include <catch2/catch.hpp>

#include "common/error.hpp"
#include "tools/sweep/sweep_spec.hpp"

using namespace llmsim;
using namespace llmsim::tools;

namespace {

SweepSpec parse(const std::string& text) {
    return parse_sweep_spec(Json::parse(text), "spec.json");
}

std::string error_of(const std::string& text) {
    try {
        (void)parse(text);
    } catch (const InputError& e) {
        return e.what();
    }
    return "";
}

}  // namespace

TEST_CASE("grid axes multiply with the last key fastest; zipped lists advance together", "[sweep][spec]") {
    const SweepSpec s = parse(R"({"base": {"model": "llama-2-7b", "num_requests": 20},
        "axes": {"grid": {"qps": [1, 2], "hardware": ["a100", "h100"]}, "zip": {"tp": [1, 2], "replicas": [2, 1]}}})");
    REQUIRE(s.points() == 8);
    CHECK(s.swept_keys() == std::vector<std::string>{"hardware", "qps", "replicas", "tp"});
    // Grid keys sort alphabetically (hardware before qps); the zip varies fastest.
    const Json p0 = s.point(0);
    CHECK(p0["hardware"] == "a100");
    CHECK(p0["qps"] == 1);
    CHECK(p0["tp"] == 1);
    CHECK(p0["replicas"] == 2);
    CHECK(p0["num-requests"] == 20);  // base keys are canonical
    const Json p1 = s.point(1);
    CHECK(p1["tp"] == 2);
    CHECK(p1["replicas"] == 1);
    CHECK(p1["qps"] == 1);
    CHECK(s.point(2)["qps"] == 2);
    CHECK(s.point(4)["hardware"] == "h100");
    CHECK(s.point(7) == Json::parse(R"({"model": "llama-2-7b", "num-requests": 20, "hardware": "h100", "qps": 2,
                                        "tp": 2, "replicas": 1})"));
}

TEST_CASE("ranges expand arithmetic and geometric sequences, inclusive", "[sweep][spec]") {
    const SweepSpec s = parse(R"({"grid": {"seed": {"from": 0, "to": 3}, "qps": {"from": 0.5, "to": 1.0, "step": 0.1},
                                           "replicas": {"from": 1, "to": 16, "factor": 2}}})");
    REQUIRE(s.grid.size() == 3);
    const auto& qps = s.grid[0];
    const auto& replicas = s.grid[1];
    const auto& seed = s.grid[2];
    CHECK(qps.key == "qps");
    REQUIRE(qps.values.size() == 6);
    CHECK(qps.values[2].get<double>() == 0.7);  // no 0.7000000000000001
    CHECK(qps.values[5].get<double>() == 1.0);
    CHECK(replicas.values == std::vector<Json>{1, 2, 4, 8, 16});
    CHECK(seed.values == std::vector<Json>{0, 1, 2, 3});
    CHECK(seed.values[0].is_number_integer());
    CHECK(s.points() == 6 * 5 * 4);
}

TEST_CASE("the same spec hashes the same; another spec differently", "[sweep][spec]") {
    const auto a = parse(R"({"base": {"tp": 1}, "grid": {"qps": [1, 2]}})");
    const auto b = parse(R"({"grid": {"qps": [1, 2]}, "base": {"tp": 1}})");
    const auto c = parse(R"({"base": {"tp": 1}, "grid": {"qps": [1, 3]}})");
    CHECK(a.spec_hash == b.spec_hash);
    CHECK(a.spec_hash != c.spec_hash);
    CHECK(a.spec_hash.size() == 16);
}

TEST_CASE("spec errors name the JSON pointer, the value and the nearest valid key", "[sweep][spec][errors]") {
    CHECK_THAT(error_of(R"({"grid": {"max_bacth": [1, 2]}})"),
               Catch::Contains("spec.json#/grid/max_bacth") && Catch::Contains("did you mean 'max-batch'"));
    CHECK_THAT(error_of(R"({"base": {"hardwre": "h100"}, "grid": {"qps": [1]}})"),
               Catch::Contains("#/base/hardwre") && Catch::Contains("did you mean 'hardware'"));
    CHECK_THAT(error_of(R"({"bsae": {}, "grid": {"qps": [1]}})"), Catch::Contains("did you mean 'base'"));
    CHECK_THAT(error_of(R"({"base": {"tp": 1}})"), Catch::Contains("empty axes"));
    CHECK_THAT(error_of(R"({"axes": {}})"), Catch::Contains("empty axes"));
    CHECK_THAT(error_of(R"({"grid": {"qps": []}})"), Catch::Contains("#/grid/qps") && Catch::Contains("empty axis"));
    CHECK_THAT(error_of(R"({"zip": {"tp": [1, 2], "replicas": [1]}})"), Catch::Contains("equal lengths"));
    CHECK_THAT(error_of(R"({"grid": {"qps": [1]}, "zip": {"qps": [2]}})"), Catch::Contains("swept twice"));
    CHECK_THAT(error_of(R"({"grid": {"out": ["a", "b"]}})"), Catch::Contains("single run's output"));
    CHECK_THAT(error_of(R"({"grid": {"seed": {"from": 5, "to": 1}}})"), Catch::Contains("#/grid/seed/to"));
    CHECK_THAT(error_of(R"({"grid": {"seed": {"from": 0, "to": 1, "step": 0}}})"), Catch::Contains("step"));
    CHECK_THAT(error_of(R"({"grid": {"seed": {"from": 0, "to": 9999999}}})"), Catch::Contains("more than"));
    CHECK_THAT(error_of(R"({"command": "train", "grid": {"seed": [1]}})"), Catch::Contains("expected run"));
    CHECK_THAT(error_of(R"({"grid": {"seed": [[1]]}})"), Catch::Contains("#/grid/seed/0"));
}
