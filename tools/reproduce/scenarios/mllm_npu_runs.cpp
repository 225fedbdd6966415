#include "tools/reproduce/scenarios/mllm_npu_runs.hpp"

#include <string>

#include "tools/reproduce/repro_runs.hpp"

namespace llmsim::tools::reproduce {
namespace {

Json prefill_settings(const std::string& hardware, const std::string& dtype, int64_t prompt) {
    return Json{{"model", "qwen1.5-1.8b"},
                {"hardware", hardware},
                {"dtype", dtype},
                {"num-requests", 1},
                {"qps", "inf"},
                {"lengths", "fixed:" + std::to_string(prompt) + ":1"},
                {"framework-overhead", "none"},
                {"seed", 1}};
}

}  // namespace

const std::vector<int64_t>& mllm_prompt_lengths() {
    static const std::vector<int64_t> lengths = {64, 256, 1024};
    return lengths;
}

std::vector<PrefillPair> mllm_prefill_pairs(Reproduction& out) {
    out.assumptions.push_back(
        {"NPU",
         "snapdragon-8gen3-npu preset as in mllm-npu-prefill: 34 TOPS int8 (third-party estimate), 256-token "
         "static chunks (a 64-token prompt pays a whole chunk), 1% of GEMM work as float outliers on the CPU, "
         "overlapped, drawing the preset's estimated outlier_power while they run; fp16 model, GEMMs on the INT8 "
         "units"});
    out.assumptions.push_back(
        {"CPU",
         "snapdragon-8gen3-cpu preset: the same phone's 8 Kryo cores, int8 weights and dot products (llama.cpp "
         "Q8_0-style) at 1.57 TOPS (SDOT, i8mm not counted), 76.8 GB/s shared LPDDR5X; default curves. The "
         "abstract's baselines are 'competitive' CPU/GPU engines, unnamed; the mobile GPU is not modelled"});
    out.assumptions.push_back({"prompts",
                               "one request each of 64, 256 and 1,024 prompt tokens (lengths assumed; "
                               "the claim is an average), output 1 token, no host loop on either side"});
    out.assumptions.push_back(
        {"power",
         "both presets' power models: the SoC's 12 W sustained budget and 0.5 W idle (estimates; no measured "
         "NPU or CPU power), so energy differs through time, busy shares and the NPU's CPU outlier draw"});
    std::vector<PrefillPair> pairs;
    for (int64_t prompt : mllm_prompt_lengths()) {
        PrefillPair p;
        p.prompt_tokens = prompt;
        const Json npu = prefill_settings("snapdragon-8gen3-npu", "fp16", prompt);
        const Json cpu = prefill_settings("snapdragon-8gen3-cpu", "int8", prompt);
        const OrderedJson a = simulate(npu, "mllm-npu npu " + std::to_string(prompt));
        const OrderedJson b = simulate(cpu, "mllm-npu cpu " + std::to_string(prompt));
        p.npu_ms = a["ttft_ms"]["mean"].get<double>();
        p.cpu_ms = b["ttft_ms"]["mean"].get<double>();
        p.npu_j = a["energy_j"].get<double>();
        p.cpu_j = b["energy_j"].get<double>();
        auto figures = [prompt](double ms, double j, const OrderedJson& s) {
            return OrderedJson{{"ttft_ms", ms},
                               {"prefill_tokens_per_s", prompt / (ms * 1e-3)},
                               {"energy_j", j},
                               {"average_power_w", s["average_power_w"]}};
        };
        out.runs.push_back(run_entry("npu prompt " + std::to_string(prompt), npu, figures(p.npu_ms, p.npu_j, a)));
        out.runs.push_back(run_entry("cpu prompt " + std::to_string(prompt), cpu, figures(p.cpu_ms, p.cpu_j, b)));
        pairs.push_back(p);
    }
    return pairs;
}

}  // namespace llmsim::tools::reproduce
