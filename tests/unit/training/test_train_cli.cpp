// `llmsim train` end to end: JSON keys, the table, bad input (exit 2 naming the rule and numbers), the search.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "tests/support/test_support.hpp"

using namespace llmsim::test;

namespace {

nlohmann::json train_json(std::vector<std::string> args) {
    args.insert(args.begin(), "train");
    args.push_back("--json");
    const CommandResult r = run_llmsim(args);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    return nlohmann::json::parse(r.out);
}

void expect_usage_error(std::vector<std::string> args, const std::vector<std::string>& fragments) {
    args.insert(args.begin(), "train");
    const CommandResult r = run_llmsim(args);
    INFO(r.err);
    CHECK(r.exit_code == 2);
    CHECK(r.out.empty());
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
    for (const auto& f : fragments)
        CHECK(r.err.find(f) != std::string::npos);
}

}  // namespace

TEST_CASE("training cli: --json prints the step metrics, memory and time breakdown", "[training]") {
    const auto j = train_json({"--model", "gpt3-175b", "--hardware", "a100", "--gpus", "1024", "--tp", "8", "--pp", "8",
                               "--global-batch", "1536", "--recompute", "full"});
    for (const char* key : {"step_time_s", "tokens_per_s_per_gpu", "model_tflops_per_gpu", "hardware_tflops_per_gpu",
                            "mfu", "bubble_fraction", "memory_gib_per_gpu", "fits"}) {
        INFO(key);
        CHECK(j.contains(key));
    }
    CHECK(j["layout"]["dp"] == 16);
    CHECK(j["layout"]["microbatches_per_pipeline"] == 96);
    CHECK(j["fits"] == true);
    CHECK(j["pipeline"]["method"] == "dag");
    // Full recomputation: hardware FLOPs exceed model FLOPs by the recomputed forward (about 4/3).
    const double ratio = j["hardware_tflops_per_gpu"].get<double>() / j["model_tflops_per_gpu"].get<double>();
    CHECK(ratio == Approx(4.0 / 3).epsilon(0.02));
    double sum = 0;
    for (const auto& [k, v] : j["time_breakdown_s"].items())
        sum += v.get<double>();
    CHECK(sum == Approx(j["step_time_s"].get<double>()).epsilon(1e-3));
    double mem = 0;
    for (const auto& [k, v] : j["memory_breakdown_gib"].items())
        mem += v.get<double>();
    CHECK(mem == Approx(j["memory_gib_per_gpu"].get<double>()).epsilon(1e-3));
    // 1F1B with 96 micro-batches on 8 stages: the DAG bubble is close to (p-1)/(m+p-1).
    CHECK(j["bubble_fraction"].get<double>() == Approx(7.0 / 103).epsilon(0.15));
}

TEST_CASE("training cli: the readable table and MoE layouts", "[training]") {
    const CommandResult r =
        run_llmsim({"train", "--model", "mixtral-8x7b", "--hardware", "h100", "--gpus", "64", "--tp", "2", "--pp", "4",
                    "--ep", "8", "--global-batch", "256", "--seq-len", "4096", "--recompute", "selective"});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.find("step time") != std::string::npos);
    CHECK(r.out.find("ep comm") != std::string::npos);
    CHECK(r.out.find("fits") != std::string::npos);
    const auto j = train_json({"--model", "mixtral-8x7b", "--hardware", "h100", "--gpus", "64", "--tp", "2", "--pp",
                               "4", "--ep", "8", "--global-batch", "256", "--seq-len", "4096"});
    CHECK(j["time_breakdown_s"]["ep_comm"].get<double>() > 0);
    // Long context with ring attention.
    const auto cp = train_json({"--model", "llama-3-70b", "--hardware", "h100", "--gpus", "256", "--tp", "8", "--pp",
                                "4", "--cp", "4", "--global-batch", "64", "--seq-len", "32768", "--recompute", "full"});
    CHECK(cp["layout"]["cp"] == 4);
    CHECK(cp["fits"] == true);
}

TEST_CASE("training cli: bad layouts exit 2 with the rule and the numbers", "[training]") {
    expect_usage_error(
        {"--model", "gpt3-175b", "--hardware", "a100", "--gpus", "64", "--tp", "8", "--pp", "4", "--dp", "4"},
        {"--gpus", "8 x 4 x 4 x 1 = 128", "64"});
    expect_usage_error(
        {"--model", "gpt3-175b", "--hardware", "a100", "--gpus", "64", "--tp", "3", "--pp", "1", "--dp", "21"},
        {"--gpus"});
    expect_usage_error({"--model", "gpt3-175b", "--hardware", "a100", "--gpus", "60", "--tp", "5", "--pp", "12"},
                       {"--tp", "5", "96 attention heads"});
    expect_usage_error({"--model", "gpt3-175b", "--hardware", "a100", "--gpus", "56", "--tp", "8", "--pp", "7"},
                       {"--pp", "7", "96 layers", "--allow-uneven"});
    expect_usage_error({"--model", "gpt3-175b", "--hardware", "a100", "--gpus", "64", "--tp", "8", "--pp", "8",
                        "--micro-batch", "4", "--global-batch", "6"},
                       {"--global-batch", "6", "4 x 1 = 4"});
    expect_usage_error(
        {"--model", "llama-3-70b", "--hardware", "h100", "--gpus", "64", "--tp", "8", "--cp", "8", "--seq-len", "4100"},
        {"--cp", "4100", "16"});
    expect_usage_error({"--model", "gpt3-5b", "--hardware", "a100", "--gpus", "8", "--ep", "2"}, {"--ep", "dense"});
    expect_usage_error(
        {"--model", "gpt3-5b", "--hardware", "a100", "--gpus", "8", "--pp", "4", "--vpp", "2", "--global-batch", "6"},
        {"--vpp", "multiple of --pp 4"});
    expect_usage_error({"--model", "gpt3-5b", "--hardware", "a100", "--gpus", "8", "--zero", "4"}, {"--zero", "4"});
    expect_usage_error({"--model", "no-such-model", "--hardware", "a100", "--gpus", "8"}, {"--model"});
    expect_usage_error({"--model", "gpt3-5b", "--hardware", "a100", "--gpus", "8", "--recompute", "most"},
                       {"--recompute", "most"});
}

TEST_CASE("training cli: uneven pipelines run with --allow-uneven", "[training]") {
    const auto j = train_json({"--model", "gpt3-175b", "--hardware", "a100", "--gpus", "56", "--tp", "8", "--pp", "7",
                               "--allow-uneven", "--global-batch", "70", "--recompute", "full"});
    CHECK(j["layout"]["pp"] == 7);
    CHECK(j["bubble_fraction"].get<double>() > 0);
}

TEST_CASE("training cli: --search ranks fitting layouts and writes them all with --out", "[training]") {
    TempDir tmp;
    const std::string csv = tmp.file("layouts.csv");
    const CommandResult r = run_llmsim({"train", "--model", "gpt3-20b", "--hardware", "a100", "--gpus", "64",
                                        "--global-batch", "512", "--search", "--top", "5", "--out", csv});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.find("best layout") != std::string::npos);
    const std::string text = read_text(csv);
    CHECK(text.rfind("tp,pp,dp,cp,ep,vpp,zero,micro_batch,recompute", 0) == 0);
    CHECK(std::count(text.begin(), text.end(), '\n') > 100);
    // JSON: the leaders come from the DAG and are sorted by throughput; fixed flags stay fixed.
    const auto j = train_json({"--model", "gpt3-20b", "--hardware", "a100", "--gpus", "64", "--global-batch", "512",
                               "--search", "--top", "3", "--tp", "4"});
    REQUIRE(j["top"].size() == 3);
    double last = 1e300;
    for (const auto& row : j["top"]) {
        CHECK(row["layout"]["tp"] == 4);
        CHECK(row["fits"] == true);
        CHECK(row["pipeline"]["method"] == "dag");
        CHECK(row["tokens_per_s"].get<double>() <= last);
        last = row["tokens_per_s"].get<double>();
    }
}

TEST_CASE("training cli: --parallel-block halves the exposed TP time; dp-chunks is an overlap item", "[training]") {
    const std::vector<std::string> base = {"--model",        "gpt3-20b", "--hardware", "a100", "--gpus",    "64",
                                           "--tp",           "8",        "--pp",       "2",    "--vpp",     "2",
                                           "--global-batch", "256",      "--seq-len",  "2048", "--overlap", "none"};
    const auto serial = train_json(base);
    auto with = base;
    with.push_back("--parallel-block");
    const auto parallel = train_json(with);
    // Every forward and backward TP collective of a layer is paired in the serial block, single in the parallel one.
    const double serial_tp = serial["time_breakdown_s"]["tp_comm"].get<double>();
    const double parallel_tp = parallel["time_breakdown_s"]["tp_comm"].get<double>();
    CHECK(parallel_tp < serial_tp * 0.75);
    CHECK(parallel_tp > serial_tp * 0.45);
    CHECK(parallel["mfu"].get<double>() > serial["mfu"].get<double>());
    auto chunked = base;
    chunked.back() = "dp-chunks";
    const auto c = train_json(chunked);
    CHECK(c["time_breakdown_s"]["dp_comm"].get<double>() < serial["time_breakdown_s"]["dp_comm"].get<double>());
    expect_usage_error(
        {"--model", "gpt3-20b", "--hardware", "a100", "--gpus", "8", "--tp", "8", "--overlap", "dp-chunk"},
        {"--overlap", "dp-chunk", "dp-chunks"});
}
