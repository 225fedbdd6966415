// Issue 17: every number read from a flag, config file or data file is range-checked by the one input layer
// (common/bounded.hpp): no truncation, wrap-around, saturation or non-finite value reaches the simulator, and sizes
// beyond common/limits.hpp are refused with the limit in the message. Each case is exit 2 with one line naming the
// flag or file key, the value and what was expected.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/support/cli_checks.hpp"
#include "tests/support/test_support.hpp"

using namespace llmsim::test;

namespace {

// The shared exit-2 checks, and no internal detail (an "internal" error, a source file) leaks into the message.
void expect_clean_exit2(const std::vector<std::string>& args, const std::vector<std::string>& fragments) {
    INFO("args: " << args[0] << " " << (args.size() > 1 ? args[1] : ""));
    const CommandResult r = expect_exit2(args, fragments);
    CHECK(r.err.find("internal") == std::string::npos);
    CHECK(r.err.find(".cpp") == std::string::npos);
}

std::vector<std::string> train(std::vector<std::string> extra) {
    std::vector<std::string> args = {"train", "--model", "llama-2-7b", "--hardware", "h100", "--gpus", "8"};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
}

// A copy of a checked-in HF config with one key changed.
std::string hf_with(const TempDir& dir, const std::string& key, const nlohmann::json& value) {
    nlohmann::json j = nlohmann::json::parse(read_text(source_path("tests/data/hf/qwen3-8b.json")));
    j[key] = value;
    return dir.write(key + ".json", j.dump());
}

// A copy of a hardware preset with one change.
std::string hardware_with(const TempDir& dir, const std::string& name, void (*edit)(nlohmann::json&)) {
    nlohmann::json j = nlohmann::json::parse(read_text(source_path("hardware/presets/h100-sxm.json")));
    edit(j);
    return dir.write(name + ".json", j.dump());
}

}  // namespace

TEST_CASE("integers beyond their type or range are refused, never truncated", "[cli][errors][ranges]") {
    expect_clean_exit2({"run", "--tp", "4294967298"}, {"--tp", "from 1 to 65536", "'4294967298'"});
    expect_clean_exit2({"run", "--tp", "2147483648"}, {"--tp", "'2147483648'"});
    expect_clean_exit2({"run", "--pp", "4294967297"}, {"--pp", "'4294967297'"});
    expect_clean_exit2({"run", "--block-size", "4294967312"}, {"--block-size", "'4294967312'"});
    expect_clean_exit2({"run", "--max-batch", "2147483648"}, {"--max-batch", "to 1048576", "'2147483648'"});
    expect_clean_exit2({"cost", "--prefill-tokens", "99999999999999999999"},
                       {"--prefill-tokens", "'99999999999999999999'"});
    expect_clean_exit2({"cost", "--tp", "0x10", "--prefill-tokens", "8"}, {"--tp", "'0x10'"});
    expect_clean_exit2({"run", "--seed", "-1"}, {"--seed", ">= 0", "'-1'"});
    expect_clean_exit2({"trace", "generate", "--seed", "-1", "--num-requests", "3"}, {"--seed", "'-1'"});
    expect_clean_exit2(train({"--seq-len", "-1"}), {"--seq-len", "'-1'"});
    expect_clean_exit2(train({"--seq-len", "0"}), {"--seq-len", "'0'"});
    expect_clean_exit2(train({"--dp", "0"}), {"--dp", "'0'"});
    expect_clean_exit2(train({"--gpus-per-node", "0"}), {"--gpus-per-node", "'0'"});
    expect_clean_exit2(train({"--grad-dtype", "int8"}), {"--grad-dtype", "fp32, bf16 or fp16", "'int8'"});
}

TEST_CASE("reals must be finite and within their range", "[cli][errors][ranges]") {
    expect_clean_exit2({"run", "--framework-overhead", "9.3e15"}, {"--framework-overhead", "9.3e15"});
    expect_clean_exit2({"run", "--framework-overhead", "1e307:0"}, {"--framework-overhead", "1e307:0"});
    expect_clean_exit2({"run", "--gpu-memory-utilization", "nan"}, {"--gpu-memory-utilization", "(0, 1]", "'nan'"});
    expect_clean_exit2({"run", "--slo-ttft-ms", "-1"}, {"--slo-ttft-ms", "'-1'"});
    expect_clean_exit2({"run", "--qps", "nan"}, {"--qps", "or inf", "'nan'"});
    expect_clean_exit2({"run", "--arrival", "gamma:1e-200", "--qps", "1"}, {"--arrival", "gamma:1e-200", "0.001"});
    expect_clean_exit2(train({"--oversubscription", "inf"}), {"--oversubscription", "'inf'"});
    for (const char* cf : {"nan", "inf", "1e30"})
        expect_clean_exit2(train({"--capacity-factor", cf}), {"--capacity-factor", std::string("'") + cf + "'"});
    expect_clean_exit2(train({"--switch-latency", "1e30s"}), {"--switch-latency", "1e30s"});
    expect_clean_exit2({"calibrate", "--holdout-fraction", "nan"}, {"--holdout-fraction", "'nan'"});
}

TEST_CASE("sizes beyond a real deployment are refused with the limit", "[cli][errors][ranges]") {
    expect_clean_exit2({"run", "--replicas", "100000000"}, {"--replicas", "16384", "'100000000'"});
    expect_clean_exit2(
        {"trace", "derive", "--trace", "x.csv", "--name", "x", "--out", "x.json", "--quantiles", "50000000"},
        {"--quantiles", "100000", "'50000000'"});
    expect_clean_exit2(train({"--global-batch", "2147483648"}), {"--global-batch", "1048576"});
    expect_clean_exit2(train({"--global-batch", "1099511627776"}), {"--global-batch", "'1099511627776'"});
}

TEST_CASE("config-file numbers go through the same checks, reported by JSON pointer", "[cli][errors][ranges]") {
    TempDir dir;
    const auto big = dir.write("big.json", R"({"tp": 18446744073709551615})");
    expect_clean_exit2({"run", "--config", big}, {big + "#/tp", "'18446744073709551615'"});
    const auto huge = dir.write("huge.json", R"({"replicas": 1e300})");
    expect_clean_exit2({"run", "--config", huge}, {huge + "#/replicas"});
    const auto neg = dir.write("neg.json", R"({"slo-ttft-ms": -1})");
    expect_clean_exit2({"run", "--config", neg}, {neg + "#/slo-ttft-ms", "-1"});
}

TEST_CASE("model and hardware files: out-of-range values name the file and key", "[cli][errors][ranges]") {
    TempDir dir;
    expect_clean_exit2({"run", "--model", hf_with(dir, "num_hidden_layers", 4294967298LL)},
                       {"#/num_hidden_layers", "4294967298"});
    expect_clean_exit2(
        {"train", "--model", hf_with(dir, "hidden_size", 2147483648LL), "--hardware", "h100", "--gpus", "8"},
        {"#/hidden_size", "2147483648"});
    expect_clean_exit2({"run", "--model", hf_with(dir, "max_position_embeddings", 0)},
                       {"#/max_position_embeddings", "0"});
    const auto zero = hardware_with(dir, "zero", [](nlohmann::json& j) {
        for (auto& [k, v] : j["peak_flops"].items())
            v = "0TFLOPS";
    });
    expect_clean_exit2({"run", "--hardware", zero}, {"#/peak_flops/", "got 0"});
    const auto tiny = hardware_with(dir, "tiny", [](nlohmann::json& j) {
        for (auto& [k, v] : j["peak_flops"].items())
            v = "1e-300TFLOPS";
    });
    expect_clean_exit2({"run", "--hardware", tiny}, {"#/peak_flops/"});
    const auto slow = hardware_with(dir, "slow", [](nlohmann::json& j) {
        for (auto& [k, v] : j["calibration"]["kernels"].items())
            v["overhead"] = "1e30s";
    });
    expect_clean_exit2({"run", "--hardware", slow}, {"/overhead", "1e30s"});
    const auto alone = hardware_with(dir, "alone", [](nlohmann::json& j) { j.erase("interconnect"); });
    expect_clean_exit2({"run", "--hardware", alone, "--tp", "2"}, {"inter-node"});
}
