#include "tools/reproduce/scenarios/flightllm_runs.hpp"

namespace llmsim::tools::reproduce {
namespace {

bool is_fpga(const std::string& hardware) {
    return hardware == "alveo-u280" || hardware == "versal-vhk158";
}

}  // namespace

Json flightllm_settings(const std::string& hardware, const std::string& gpu_dtype) {
    const bool fpga = is_fpga(hardware);
    Json s = {{"model", "llama-2-7b"}, {"hardware", hardware}, {"dtype", fpga ? "int8" : gpu_dtype}, {"max-batch", 1},
              {"num-requests", 16},    {"qps", "inf"},         {"lengths", "fixed:128:128"},         {"seed", 1}};
    if (fpga) s["framework-overhead"] = "none";
    // The capacity check sizes int8 weights (6.3 GiB) plus a GPU-style 1 GiB runtime on the U280's 8 GiB; the
    // compressed weights FlightLLM stores are about a quarter of that, so let it use the whole HBM.
    if (hardware == "alveo-u280") s["gpu-memory-utilization"] = 0.95;
    return s;
}

std::string flightllm_fpga_assumption(const std::string& preset) {
    return preset +
           " preset: int8 DSP chain, 2:4 sparsity at 0.9 efficiency, 4-bit average weights, activations kept on chip "
           "(sparsity and bits assumed where the abstract is silent); no vLLM host loop (framework-overhead none: "
           "FlightLLM runs its own instruction stream)";
}

OrderedJson flightllm_figures(const OrderedJson& s) {
    return OrderedJson{{"tpot_ms_mean", s["tpot_ms"]["mean"]},
                       {"output_tokens_per_s", s["output_tokens_per_s"]},
                       {"average_power_w", s["average_power_w"]},
                       {"energy_j_per_output_token", s["energy_j_per_token"]["output"]}};
}

}  // namespace llmsim::tools::reproduce
