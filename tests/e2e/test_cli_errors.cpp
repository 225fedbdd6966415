// Bad input through the real binary: exit code 2, exactly one line on stderr naming the flag/file/position, the bad
// value and what was expected; nothing written to --out.
#include <catch2/catch.hpp>
#include <filesystem>

#include "tests/support/cli_checks.hpp"
#include "tests/support/test_support.hpp"

using namespace llmsim::test;

TEST_CASE("unknown ids list the valid ones and suggest the nearest", "[cli][errors]") {
    expect_quiet_exit2({"run", "--model", "llama-2-7", "--num-requests", "5"},
                       {"--model", "unknown model 'llama-2-7'", "llama-2-13b", "did you mean 'llama-2-7b'"});
    expect_quiet_exit2({"run", "--hardware", "h10"}, {"--hardware", "unknown hardware 'h10'", "did you mean"});
    expect_quiet_exit2({"run", "--scheduler", "vlm"}, {"--scheduler", "did you mean 'vllm'"});
    expect_quiet_exit2({"run", "--router", "round-robbin"}, {"--router", "did you mean 'round-robin'"});
    expect_quiet_exit2({"cost", "--model", "mistral7b", "--decode-batch", "1", "--context-tokens", "1"},
                       {"did you mean 'mistral-7b'"});
    expect_quiet_exit2({"list", "model"}, {"unknown list 'model'", "did you mean 'models'"});
}

TEST_CASE("parallelism that does not fit the model is refused with the numbers", "[cli][errors]") {
    expect_quiet_exit2({"run", "--model", "llama-2-7b", "--tp", "3"}, {"--tp", "3", "does not divide the 32"});
    expect_quiet_exit2({"run", "--model", "llama-2-70b", "--hardware", "a100-sxm-40gb"},
                       {"does not fit", "weights", "a100-sxm-40gb"});
    expect_quiet_exit2({"run", "--model", "llama-2-7b", "--hardware", "a100", "--dtype", "fp8"},
                       {"--dtype", "no fp8 support", "fp16"});
    expect_quiet_exit2({"run", "--tp", "0"}, {"--tp", "expected an integer from 1 to 65536", "got '0'"});
    expect_quiet_exit2({"run", "--tp", "two"}, {"--tp", "expected an integer", "got 'two'"});
    expect_quiet_exit2({"run", "--qps", "-3"}, {"--qps", "-3"});
    expect_quiet_exit2({"run", "--gpu-memory-utilization", "1.5"}, {"--gpu-memory-utilization", "1.5"});
}

TEST_CASE("config files: bad JSON gives file:line:col, unknown keys the nearest valid key", "[cli][errors]") {
    TempDir dir;
    const auto bad = dir.write("bad.json", "{\n  \"model\": \"llama-2-7b\",\n  \"tp\": ,\n}\n");
    expect_quiet_exit2({"run", "--config", bad}, {bad + ":3:", "invalid JSON"});
    const auto unknown = dir.write("unknown.json", R"({"model": "llama-2-7b", "max_bacth": 8})");
    expect_quiet_exit2({"run", "--config", unknown}, {unknown + "#/max_bacth", "did you mean 'max-batch'"});
    const auto wrong_type = dir.write("type.json", R"({"tp": "four"})");
    expect_quiet_exit2({"run", "--config", wrong_type}, {"#/tp", "expected an integer", "got 'four'"});
    expect_quiet_exit2({"run", "--config", dir.file("missing.json")}, {"missing.json", "cannot open"});
}

TEST_CASE("malformed traces name the file and line", "[cli][errors]") {
    TempDir dir;
    const auto trace = dir.write("t.csv", "arrived_at,num_prefill_tokens,num_decode_tokens\n0.0,10,5\n0.5,-4,5\n");
    expect_quiet_exit2({"run", "--trace", trace}, {trace + ":3", "-4"});
    const auto model = dir.write("config.json", R"({"model_type": "rwkv", "hidden_size": 1})");
    expect_quiet_exit2({"run", "--model", model}, {model, "rwkv"});
    const auto hw = dir.write("hw.json", R"({"schema_version": 1, "id": "x", "peak_flops": {"fp16": "1TFLOPS"},
        "memory": {"capacity": 80, "bandwidth": "1TB/s"}})");
    expect_quiet_exit2({"run", "--hardware", hw}, {hw + "#/memory/capacity", "unit"});
    const auto v2 = dir.write("v2.json", R"({"schema_version": 2, "id": "x"})");
    expect_quiet_exit2({"run", "--hardware", v2}, {"schema version 2"});
}

TEST_CASE("a failed run writes nothing to --out", "[cli][errors]") {
    TempDir dir;
    const std::string out = dir.file("out");
    const CommandResult r = run_llmsim({"run", "--tp", "3", "--out", out});
    CHECK(r.exit_code == 2);
    CHECK((!std::filesystem::exists(out) || std::filesystem::is_empty(out)));
}

TEST_CASE("unknown flags and missing subcommands are usage errors", "[cli][errors]") {
    CHECK(run_llmsim({"run", "--bogus-flag", "1"}).exit_code == 2);
    CHECK(run_llmsim({}).exit_code == 2);
    CHECK(run_llmsim({"--help"}).exit_code == 0);
}
