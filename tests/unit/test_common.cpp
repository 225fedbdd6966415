#include <catch2/catch.hpp>

#include "common/csv.hpp"
#include "common/error.hpp"
#include "common/json_io.hpp"
#include "common/nearest.hpp"
#include "common/units.hpp"

using namespace llmsim;

TEST_CASE("units parse decimal and binary prefixes, bits and bytes", "[units]") {
    CHECK(units::parse_bytes("80GiB", "x") == Approx(80.0 * 1073741824.0));
    CHECK(units::parse_bytes("80GB", "x") == Approx(80e9));
    CHECK(units::parse_bytes(" 512 MiB ", "x") == Approx(512.0 * 1048576.0));
    CHECK(units::parse_bytes_per_s("3.35TB/s", "x") == Approx(3.35e12));
    CHECK(units::parse_bytes_per_s("400Gb/s", "x") == Approx(50e9));
    CHECK(units::parse_flops_per_s("989.4TFLOPS", "x") == Approx(989.4e12));
    CHECK(units::parse_flops_per_s("624TOPS", "x") == Approx(624e12));
    CHECK(units::parse_duration_ns("2us", "x") == 2000);
    CHECK(units::parse_duration_ns("1.5ms", "x") == 1500000);
    CHECK(units::parse_duration_ns("300ns", "x") == 300);
    CHECK(units::parse_watts("1.2kW", "x") == Approx(1200));
}

TEST_CASE("units reject bare numbers, unknown units and negatives with the place named", "[units]") {
    CHECK_THROWS_WITH(
        units::parse_bytes("80", "dev.json#/memory/capacity"),
        Catch::Contains("dev.json#/memory/capacity") && Catch::Contains("'80'") && Catch::Contains("unit"));
    CHECK_THROWS_WITH(units::parse_bytes_per_s("3TB", "f"), Catch::Contains("unknown unit 'TB'"));
    CHECK_THROWS_WITH(units::parse_duration_ns("-2us", "f"), Catch::Contains("negative"));
    CHECK_THROWS_AS(units::parse_flops_per_s("fast", "f"), InputError);
}

TEST_CASE("csv reader handles quotes, CRLF and reports file:line", "[csv]") {
    CsvReader csv("t.csv", "a,b,c\r\n1,\"x,y\",\"he said \"\"hi\"\"\"\r\n\r\n2,3,4\n");
    REQUIRE(csv.header() == std::vector<std::string>{"a", "b", "c"});
    REQUIRE(csv.next());
    CHECK(csv.field(1) == "x,y");
    CHECK(csv.field(2) == "he said \"hi\"");
    CHECK(csv.line() == 2);
    REQUIRE(csv.next());
    CHECK(csv.get_int(0) == 2);
    CHECK(csv.line() == 4);
    CHECK_FALSE(csv.next());
}

TEST_CASE("csv typed getters name file, line, column and value", "[csv]") {
    CsvReader csv("trace.csv", "n,t\n5,-3\nabc,1\n");
    REQUIRE(csv.next());
    CHECK_THROWS_WITH(csv.get_nonneg_int(1), Catch::Contains("trace.csv:2 column 't'") && Catch::Contains("-3"));
    REQUIRE(csv.next());
    CHECK_THROWS_WITH(csv.get_int(0), Catch::Contains("trace.csv:3 column 'n'") && Catch::Contains("'abc'"));
    CHECK_THROWS_WITH(csv.require_column("missing"), Catch::Contains("missing column 'missing'"));
}

TEST_CASE("json errors carry line and column; strict readers reject unknown keys", "[json]") {
    CHECK_THROWS_WITH(parse_json_text("{\n  \"a\": 1,\n  \"b\": }", "cfg.json"), Catch::Contains("cfg.json:3:"));
    const Json j = parse_json_text(R"({"tp": 2, "modle": "x"})", "cfg.json");
    JsonObjectReader r(j, "cfg.json");
    CHECK(r.get_int("tp") == 2);
    (void)r.opt_string("model");
    CHECK_THROWS_WITH(r.finish(), Catch::Contains("cfg.json#/modle") && Catch::Contains("did you mean 'model'"));
}

TEST_CASE("unknown names list the valid ones and suggest the nearest", "[nearest]") {
    const std::string msg = unknown_name_message("model", "llama-2-7", {"llama-2-7b", "llama-2-13b", "mistral-7b"});
    CHECK(msg.find("valid: llama-2-7b, llama-2-13b, mistral-7b") != std::string::npos);
    CHECK(msg.find("did you mean 'llama-2-7b'") != std::string::npos);
    CHECK(nearest_name("zzzzzzzzzz", {"a100", "h100"}).empty());
}
