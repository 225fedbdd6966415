// Validation against LMDeploy's published A100 FP16 static-batch benchmark (InternLM/lmdeploy
// docs/en/benchmark/a100_fp16.md @3e391df4, v0.1.0a1, TurboMind engine): output tokens/s, first-token latency
// (mean) and per-token latency (p50) for fixed batch and lengths.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "tests/validation/validation_support.hpp"

using namespace llmsim::test;

namespace {

struct Row {
    const char* model;
    int batch, tp, input, output;
    double tokens_per_s, first_token_s, per_token_s_p50;
};

// Published figures (lmdeploy a100_fp16.md).
const std::vector<Row> kRows = {
    {"llama-2-7b", 1, 1, 128, 128, 102.21, 0.022, 0.010},    {"llama-2-7b", 1, 1, 2048, 128, 86.1, 0.139, 0.010},
    {"llama-2-7b", 16, 1, 128, 128, 1272.47, 0.129, 0.011},  {"llama-2-7b", 64, 1, 128, 128, 3024.07, 0.44, 0.014},
    {"llama-2-7b", 64, 1, 2048, 128, 493.46, 6.59, 0.046},   {"llama-2-13b", 1, 1, 128, 128, 56.58, 0.04, 0.017},
    {"llama-2-13b", 64, 1, 128, 128, 2033.22, 0.703, 0.024}, {"llama-2-70b", 1, 4, 128, 128, 33.63, 0.074, 0.029},
    {"llama-2-70b", 1, 4, 2048, 128, 28.32, 0.402, 0.031},   {"llama-2-70b", 16, 4, 128, 128, 439.77, 0.437, 0.030},
    {"llama-2-70b", 64, 4, 128, 128, 1159.84, 1.292, 0.037}, {"llama-2-70b", 64, 4, 2048, 2048, 930.46, 21.29, 0.055},
};

}  // namespace

TEST_CASE("LMDeploy A100 FP16 static-batch table within 25% median", "[validation][lmdeploy]") {
    std::vector<ErrorRow> throughput;
    std::vector<ErrorRow> first_token;
    std::vector<ErrorRow> per_token;
    for (const auto& r : kRows) {
        const auto j = run_json({"run", "--scheduler", "static", "--model", r.model, "--hardware", "a100-sxm-80gb",
                                 "--tp", std::to_string(r.tp), "--max-batch", std::to_string(r.batch), "--num-requests",
                                 std::to_string(r.batch), "--qps", "inf", "--lengths",
                                 "fixed:" + std::to_string(r.input) + ":" + std::to_string(r.output),
                                 "--engine", "lmdeploy"});
        const std::string label = std::string(r.model) + " b" + std::to_string(r.batch) + " tp" + std::to_string(r.tp) +
                                  " " + std::to_string(r.input) + "/" + std::to_string(r.output);
        throughput.push_back({label, r.tokens_per_s, j["output_tokens_per_s"].get<double>()});
        first_token.push_back({label, r.first_token_s, j["ttft_ms"]["mean"].get<double>() * 1e-3});
        per_token.push_back({label, r.per_token_s_p50, j["tpot_ms"]["p50"].get<double>() * 1e-3});
    }
    const double t = report_errors("LMDeploy A100 FP16: output tokens/s", throughput);
    const double f = report_errors("LMDeploy A100 FP16: first-token latency mean (s)", first_token);
    const double p = report_errors("LMDeploy A100 FP16: per-token latency p50 (s)", per_token);
    std::vector<ErrorRow> all = throughput;
    all.insert(all.end(), first_token.begin(), first_token.end());
    all.insert(all.end(), per_token.begin(), per_token.end());
    const double overall = report_errors("LMDeploy A100 FP16: all metrics", all);
    CHECK(overall <= 0.25);
    CHECK(t <= 0.25);
    CHECK(f <= 0.25);
    CHECK(p <= 0.25);
}
