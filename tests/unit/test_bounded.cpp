// The input layer for numbers (common/bounded.hpp): whole-token parses, ranges in messages, no wrap or saturation.
#include <catch2/catch.hpp>
#include <cmath>

#include "common/bounded.hpp"
#include "common/csv.hpp"
#include "common/units.hpp"

using namespace llmsim;

TEST_CASE("parse_int_in: whole tokens within the range, else a message with range and value", "[bounded]") {
    CHECK(parse_int_in("42", "--x", {1, 100}) == 42);
    CHECK(parse_int_in(" +7 ", "--x", {1, 100}) == 7);
    CHECK_THROWS_WITH(parse_int_in("0", "--x", {1, 100}), "--x: expected an integer from 1 to 100, got '0'");
    CHECK_THROWS_WITH(parse_int_in("4294967298", "--x", {1, 100}), Catch::Contains("'4294967298'"));
    CHECK_THROWS_WITH(parse_int_in("99999999999999999999", "--x", {}), Catch::Contains("'99999999999999999999'"));
    for (const char* bad : {"", "0x10", "1e3", "2.0", "-", "1 2", "nan"})
        CHECK_THROWS_AS(parse_int_in(bad, "--x", {}), UsageError);
    CHECK_THROWS_AS(parse_int_in("-1", "f.json#/seed", kNonNegative, ErrorKind::input), InputError);
}

TEST_CASE("parse_real_in: finite values within the range", "[bounded]") {
    CHECK(parse_real_in("0.5", "--f", kFraction) == 0.5);
    CHECK(parse_real_in("1", "--f", kFraction) == 1.0);
    CHECK_THROWS_WITH(parse_real_in("0", "--f", kFraction), "--f: expected a number in (0, 1], got '0'");
    for (const char* bad : {"nan", "inf", "-inf", "1e400", "1.5", "", "x"})
        CHECK_THROWS_AS(parse_real_in(bad, "--f", kFraction), UsageError);
    CHECK_THROWS_WITH(check_real_in(std::nan(""), "--f", {}), Catch::Contains("--f"));
}

TEST_CASE("clip_for_message keeps messages to one short line", "[bounded]") {
    CHECK(clip_for_message("abc") == "abc");
    CHECK(clip_for_message("a\nb\tc") == "a?b?c");
    const std::string clipped = clip_for_message(std::string(1000, 'x'));
    CHECK(clipped.size() < 120);
    CHECK(clipped.find("1000 characters") != std::string::npos);
}

TEST_CASE("units: durations and quantities beyond finite arithmetic are refused", "[bounded][units]") {
    CHECK_THROWS_AS(units::parse_duration_ns("1e30s", "--switch-latency"), InputError);
    CHECK_THROWS_AS(units::parse_bytes("1e308TB", "x"), InputError);
    CHECK(units::parse_duration_ns("300ns", "x") == 300);
}

TEST_CASE("csv: quotes close on their own line", "[csv][bounded]") {
    CsvReader csv("t.csv", "a,b\n1,\"x\n2,3\n");
    CHECK_THROWS_WITH(csv.next(), Catch::Contains("t.csv:2") && Catch::Contains("quote"));
    CsvReader ok("t.csv", "a,b\n1,\"x,y\"\n2,3\n");
    REQUIRE(ok.next());
    CHECK(ok.field(1) == "x,y");
    REQUIRE(ok.next());
    CHECK(ok.line() == 3);
}
