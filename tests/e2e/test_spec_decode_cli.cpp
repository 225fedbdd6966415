// --spec-decode through the real binary: the JSON section, the requests.csv column and the summary line appear only
// when it is on; bad drafter settings exit 2 naming the flag and the value.
#include <catch2/catch.hpp>

#include "common/json_io.hpp"
#include "tests/support/cli_checks.hpp"
#include "tests/support/test_support.hpp"

using namespace llmsim::test;

namespace {

const std::vector<std::string> kRun = {"run",  "--model",        "llama-3.1-8b", "--hardware",
                                       "h100", "--num-requests", "50",           "--qps",
                                       "5",    "--lengths",      "fixed:256:128"};

std::vector<std::string> with(std::vector<std::string> args, const std::vector<std::string>& more) {
    args.insert(args.end(), more.begin(), more.end());
    return args;
}

// A bad --spec-decode value: the shared exit-2 checks, with the flag named.
void expect_usage_error(const std::string& spec, std::vector<std::string> fragments) {
    fragments.push_back("--spec-decode");
    expect_quiet_exit2(with(kRun, {"--spec-decode", spec}), fragments);
}

}  // namespace

TEST_CASE("spec_decode outputs appear only when it is on", "[cli][spec_decode]") {
    TempDir off_dir;
    TempDir on_dir;
    const CommandResult off = run_llmsim(with(kRun, {"--json", "--out", off_dir.path()}));
    REQUIRE(off.exit_code == 0);
    const auto j_off = llmsim::Json::parse(off.out);
    CHECK_FALSE(j_off.contains("spec_decode"));
    CHECK(read_text(off_dir.file("requests.csv")).find("spec_accepted_tokens") == std::string::npos);

    const CommandResult on =
        run_llmsim(with(kRun, {"--json", "--out", on_dir.path(), "--spec-decode", "eagle:gamma=4,alpha=0.8"}));
    REQUIRE(on.exit_code == 0);
    const auto j = llmsim::Json::parse(on.out);
    REQUIRE(j.contains("spec_decode"));
    const auto& sd = j["spec_decode"];
    CHECK(sd["tokens_per_step"].get<double>() > 2.5);
    CHECK(sd["tokens_per_step"].get<double>() < 4.0);
    CHECK(sd["acceptance_rate"].get<double>() > 0.5);
    CHECK(sd["draft_time_share"].get<double>() > 0);
    CHECK(j["tpot_ms"]["mean"].get<double>() < j_off["tpot_ms"]["mean"].get<double>());
    const std::string csv = read_text(on_dir.file("requests.csv"));
    CHECK(csv.find(",spec_accepted_tokens\n") != std::string::npos);
    const auto resolved = llmsim::Json::parse(read_text(on_dir.file("config.resolved.json")));
    CHECK(resolved["spec-decode"].get<std::string>() == "eagle:gamma=4,alpha=0.8");

    const CommandResult text = run_llmsim(with(kRun, {"--spec-decode", "ngram"}));
    REQUIRE(text.exit_code == 0);
    CHECK(text.out.find("spec decode     ngram") != std::string::npos);
}

TEST_CASE("bad --spec-decode values exit 2 naming the flag and the value", "[cli][errors][spec_decode]") {
    expect_usage_error("eagle:gamma=0", {"gamma '0'", "[1, 64]"});
    expect_usage_error("eagle:gamma=65", {"gamma '65'"});
    expect_usage_error("draft:model=llama-2-7b,alpha=1.5", {"alpha '1.5'", "[0, 1]"});
    expect_usage_error("mtp:depth=-1", {"depth '-1'"});
    expect_usage_error("eagel", {"unknown", "'eagel'", "did you mean 'eagle'"});
    expect_usage_error("draft:model=llama-2-7b", {"model=llama-2-7b", "32000", "128256"});
    expect_usage_error("eagle:alpha=0.5,alpha_spread=0.6", {"alpha_spread '0.6'"});
}
