// Issue 17, messages: every bad input is one short line naming its place (flag, file:line, JSON pointer) and the value,
// whatever the size of the input; unknown names get the nearest valid one; a bare command shows its own help.
#include <catch2/catch.hpp>

#include "tests/support/cli_checks.hpp"
#include "tests/support/test_support.hpp"

using namespace llmsim::test;

namespace {

// The shared exit-2 checks, and the line stays short whatever the size of the input.
CommandResult expect_short_exit2(const std::vector<std::string>& args, const std::vector<std::string>& fragments) {
    CommandResult r = expect_quiet_exit2(args, fragments);
    CHECK(r.err.size() < 1100);  // values clipped to ~80 characters; whole lines capped at 1000
    return r;
}

}  // namespace

TEST_CASE("a stray CSV quote is an error on its own line, not a file-sized field", "[cli][errors][messages]") {
    TempDir dir;
    std::string csv = "arrived_at,num_prefill_tokens,num_decode_tokens\n0.0,10,5\n0.5,\"12,5\n";
    for (int i = 0; i < 20000; ++i)
        csv += std::to_string(i + 1) + ".0,10,5\n";
    const auto path = dir.write("stray.csv", csv);
    expect_short_exit2({"trace", "stats", "--trace", path}, {path + ":3", "quote"});
}

TEST_CASE("huge values are clipped in messages", "[cli][errors][messages]") {
    TempDir dir;
    const std::string huge(200000, '7');
    const auto path = dir.write("huge.csv", "arrived_at,num_prefill_tokens,num_decode_tokens\n0.0,x" + huge + ",5\n");
    expect_short_exit2({"trace", "stats", "--trace", path}, {path + ":2", "characters"});
    const std::string long_arg(100000, '9');  // one argv string may hold at most 128 KiB
    expect_short_exit2({"run", "--tp", long_arg}, {"--tp", "100000 characters"});
    expect_short_exit2({"run", "--model", "x" + long_arg}, {"--model"});
}

TEST_CASE("config-file values are blamed on their JSON pointer, not on a flag", "[cli][errors][messages]") {
    TempDir dir;
    const auto arrival = dir.write("arrival.json", R"({"arrival": "gamma:0", "qps": 2, "num-requests": 3})");
    const CommandResult r = expect_short_exit2({"run", "--config", arrival}, {arrival + "#/arrival", "gamma:0"});
    CHECK(r.err.find("--arrival") == std::string::npos);
    const auto lengths = dir.write("lengths.json", R"({"lengths": "fixed:0:1", "num-requests": 3})");
    expect_short_exit2({"run", "--config", lengths}, {lengths + "#/lengths", "fixed:0:1"});
}

TEST_CASE("a JSONL key that is null is a wrong type, not a missing key", "[cli][errors][messages]") {
    TempDir dir;
    const auto path = dir.write("m.jsonl", R"({"timestamp": null, "input_length": 5, "output_length": 3})"
                                           "\n");
    const CommandResult r = expect_short_exit2({"trace", "stats", "--trace", path, "--trace-format", "mooncake"},
                                               {path + ":1", "timestamp"});
    CHECK(r.err.find("missing") == std::string::npos);
}

TEST_CASE("unknown flags and commands suggest the nearest", "[cli][errors][messages]") {
    expect_short_exit2({"run", "--tpp", "3"}, {"llmsim run", "--tpp", "did you mean '--tp'"});
    expect_short_exit2({"rnu"}, {"unknown command 'rnu'", "did you mean 'run'"});
    expect_short_exit2({"trace", "generat"}, {"llmsim trace", "did you mean 'generate'"});
    expect_short_exit2({"train", "--gpu", "8"}, {"--gpu", "did you mean '--gpus'"});
}

TEST_CASE("a bare command shows its own help on stderr and exits 2", "[cli][errors][messages]") {
    for (const char* cmd : {"trace", "list"}) {
        const CommandResult r = run_llmsim({cmd});
        INFO(r.err);
        CHECK(r.exit_code == 2);
        CHECK(r.out.empty());
        CHECK(r.err.find("Usage:") != std::string::npos);
        CHECK(r.err.find(std::string("llmsim ") + cmd) != std::string::npos);
        CHECK(r.err.rfind("llmsim: error: ") != std::string::npos);
    }
    const CommandResult trace = run_llmsim({"trace"});
    CHECK(trace.err.find("generate") != std::string::npos);
    const CommandResult list = run_llmsim({"list"});
    CHECK(list.err.find("models") != std::string::npos);
}

TEST_CASE("--help shows numeric options typed, with their defaults and ranges", "[cli][help]") {
    const CommandResult run = run_llmsim({"run", "--help"});
    CHECK(run.exit_code == 0);
    for (const char* s : {"--tp INT=1", "--seed INT=0", "--gpu-memory-utilization FLOAT", "[from 1 to 16384]"})
        CHECK(run.out.find(s) != std::string::npos);
    const CommandResult train = run_llmsim({"train", "--help"});
    for (const char* s : {"--global-batch INT=1024", "--capacity-factor FLOAT=1", "--gpus INT"})
        CHECK(train.out.find(s) != std::string::npos);
    const CommandResult serve = run_llmsim({"bench", "serve", "--help"});
    CHECK(serve.exit_code == 0);
    CHECK(serve.out.find("--threads INT") != std::string::npos);
    for (const char* s : {"--tp ", "--pp ", "--replicas ", "--chrome-trace"})
        CHECK(serve.out.find(s) == std::string::npos);
}
