// Settings objects read through a command's CLI11 options (the Python module's cost/train/list entry points).
#include <catch2/catch.hpp>

#include <CLI/CLI.hpp>

#include "common/error.hpp"
#include "tools/commands/json_api.hpp"
#include "tools/json_args.hpp"

using namespace llmsim;
using namespace llmsim::tools;

namespace {
struct Options {
    CLI::App app{"test"};
    int tp = 1;
    double rate = 0;
    std::string name = "x";
    bool verbose = false;
    Options() {
        app.add_option("--tp", tp);
        app.add_option("--rate", rate);
        app.add_option("--name", name);
        app.add_flag("--verbose", verbose);
    }
};

std::string error_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const Error& e) {
        CHECK(e.exit_code() == 2);
        return e.what();
    }
    FAIL("no error");
    return "";
}
}  // namespace

TEST_CASE("json args: keys become flags, values their text, true a bare flag", "[json_args]") {
    Options o;
    const auto args = args_from_json(o.app, Json{{"tp", 4}, {"rate", 0.5}, {"name", "-a"}, {"verbose", true}}, "c#");
    CHECK(args == std::vector<std::string>{"--name=-a", "--rate=0.5", "--tp=4", "--verbose"});
    CHECK(args_from_json(o.app, Json{{"verbose", false}, {"tp", nullptr}}, "c#").empty());
    parse_json_args(o.app, Json{{"tp", 4}, {"rate", 0.5}, {"name", "-a"}, {"verbose", true}}, "c#");
    CHECK(o.tp == 4);
    CHECK(o.rate == 0.5);
    CHECK(o.name == "-a");
    CHECK(o.verbose);
}

TEST_CASE("json args: unknown keys, wrong types and bad values name the key", "[json_args]") {
    Options o;
    CHECK(error_of([&] {
              (void)args_from_json(o.app, Json{{"tpp", 2}}, "c#");
          }) == "c#/tpp: unknown setting 'tpp' (valid: tp, rate, name, verbose; did you mean 'tp'?)");
    CHECK(error_of([&] { (void)args_from_json(o.app, Json{{"help", true}}, "c#"); }).rfind("c#/help:", 0) == 0);
    CHECK(error_of([&] { (void)args_from_json(o.app, Json{{"name", 1}}, "c#", {"name"}); }).rfind("c#/name:", 0) == 0);
    CHECK(error_of([&] {
              (void)args_from_json(o.app, Json{{"verbose", "yes"}}, "c#");
          }) == "c#/verbose: expected true or false, got \"yes\"");
    CHECK(error_of([&] {
              (void)args_from_json(o.app, Json{{"tp", Json::array({1})}}, "c#");
          }) == "c#/tp: expected a string or a number, got [1]");
    CHECK(error_of([&] { (void)args_from_json(o.app, Json::array(), "c#"); }) ==
          "c: expected an object of settings, got []");
    const std::string bad = error_of([&] { parse_json_args(o.app, Json{{"tp", "two"}}, "c#"); });
    CHECK(bad.rfind("c: ", 0) == 0);
    CHECK(bad.find("--tp") != std::string::npos);
}

TEST_CASE("json api: cost and list from settings, with the commands' defaults and checks", "[json_args]") {
    const OrderedJson j = cost_json(Json{{"prefill_tokens", 128}}, "config#");
    CHECK(j["model"] == "llama-2-7b");  // the command's default
    CHECK(j["total_time_ms"].get<double>() > 0);
    CHECK(error_of([] { (void)cost_json(Json{{"decode-batch", 4}}, "config#"); }).rfind("--context-tokens:", 0) == 0);
    CHECK(error_of([] { (void)cost_json(Json{{"json", true}}, "config#"); }).rfind("config#/json:", 0) == 0);
    const OrderedJson models = list_json("models");
    REQUIRE(models.size() > 10);
    CHECK(models[0].contains("id"));
    CHECK(models[0].contains("description"));
    CHECK(error_of([] { (void)list_json("gpus"); }).find("unknown list 'gpus'") != std::string::npos);
}
