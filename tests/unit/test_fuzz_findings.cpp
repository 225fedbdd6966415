// Inputs the libFuzzer harnesses (fuzz/) found crashing or tripping a sanitizer, inlined: each must now be a typed
// input error (exit 2) naming its place. One test per finding, named after the harness that found it.
#include <catch2/catch.hpp>

#include "common/error.hpp"
#include "hardware/catalogue.hpp"
#include "tests/support/test_support.hpp"
#include "traces/formats/formats.hpp"
#include "traces/trace_format.hpp"

using namespace llmsim;

TEST_CASE("fuzz_trace_auto: an Azure timestamp past 2262 is a bad value, not an int64 overflow", "[fuzz][traces]") {
    test::TempDir dir;
    const auto path = dir.write("a.csv", "TIMESTAMP,ContextTokens,GeneratedTokens\n3023-11-16 18:15:46.68,3,1\n");
    CHECK_THROWS_AS(traces::read_trace(path), InputError);
    CHECK_THROWS_WITH(traces::read_trace(path), Catch::Contains(path + ":2") && Catch::Contains("3023-11-16") &&
                                                    Catch::Contains("from 1970 to 2262"));
    CHECK_FALSE(traces::formats::parse_azure_timestamp_ns("2262-04-12 00:00:00").has_value());
    CHECK(traces::formats::parse_azure_timestamp_ns("2262-04-11 00:00:00").has_value());
}

TEST_CASE("fuzz_trace_azure: a CSV integer beyond int64 is a bad integer, not a float-cast overflow", "[fuzz][csv]") {
    test::TempDir dir;
    const auto path = dir.write("a.csv",
                                "TIMESTAMP,ContextTokens,GeneratedTokens\r\n"
                                "2023-11-16 18:17:04.0781490,110,2" +
                                    std::string(96, '8') + "7\r\n");
    CHECK_THROWS_AS(traces::read_trace(path), InputError);
    CHECK_THROWS_WITH(traces::read_trace(path), Catch::Contains(path + ":2") && Catch::Contains("GeneratedTokens") &&
                                                    Catch::Contains("bad integer"));
}

TEST_CASE("fuzz_hardware, fuzz_trace_mooncake: a JSON number beyond double's range is an input error with its place",
          "[fuzz][json]") {
    test::TempDir dir;
    const auto json = dir.write("dev.json", "{\n  \"schema_version\": 1e400\n}\n");
    CHECK_THROWS_AS(hardware::load_device_file(json), InputError);
    CHECK_THROWS_WITH(hardware::load_device_file(json),
                      Catch::Contains(json + ":2:21") && Catch::Contains("'1e400' is out of range"));
    const auto jsonl = dir.write("m.jsonl",
                                 "{\"timestamp\": 0, \"input_length\": 5, \"output_length\": 1}\n"
                                 "{\"timestamp\": 1e400, \"input_length\": 5, \"output_length\": 1}\n");
    CHECK_THROWS_AS(traces::read_trace(jsonl, "mooncake"), InputError);
    CHECK_THROWS_WITH(traces::read_trace(jsonl, "mooncake"),
                      Catch::Contains(jsonl + ":2") && Catch::Contains("number out of range"));
}
