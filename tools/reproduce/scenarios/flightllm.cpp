// FlightLLM (Zeng et al., FPGA 2024): Alveo U280 vs V100S running vLLM at batch 1 on LLaMA2-7B, energy efficiency.
#include <fmt/format.h>

#include "tools/reproduce/repro_runs.hpp"
#include "tools/reproduce/scenarios/flightllm_runs.hpp"
#include "tools/reproduce/scenarios/scenario_list.hpp"

namespace llmsim::tools::reproduce {
namespace {

Reproduction run_flightllm() {
    Reproduction r;
    r.baseline = "V100S running vLLM (fp16), batch 1";
    r.assumptions = {
        {"model",
         "llama-2-7b, prompt 128, output 128 tokens (the KV pool the uncompressed-weight capacity check leaves on the "
         "U280 holds 336 tokens), 16 requests one at a time (max-batch 1)"},
        {"U280",
         "alveo-u280 preset: int8 DSP chain, 2:4 sparsity at 0.9 efficiency, 4-bit average weights, 41 MB "
         "on chip (sparsity and bits assumed where the abstract is silent); no vLLM host loop "
         "(framework-overhead none: FlightLLM runs its own instruction stream); gpu-memory-utilization 0.95, since the "
         "capacity check sizes uncompressed int8 weights"},
        {"V100S",
         "v100s preset, fp16 (V100 has no int8 tensor cores, so SmoothQuant's W8A8 does not speed it up), "
         "vllm engine host loop"},
        {"power", "each preset's power model (docs/hardware.md#power-and-energy); idle figures are estimates"},
        {"metric", "energy efficiency = output tokens per joule of device energy"}};
    const Json u280 = flightllm_settings("alveo-u280");
    const Json v100s = flightllm_settings("v100s");
    const OrderedJson a = simulate(u280, "flightllm u280");
    const OrderedJson b = simulate(v100s, "flightllm v100s");
    const double ju = a["energy_j_per_token"]["output"].get<double>();
    const double jv = b["energy_j_per_token"]["output"].get<double>();
    r.simulated = jv / ju;
    r.runs.push_back(run_entry("alveo-u280", u280, flightllm_figures(a)));
    r.runs.push_back(run_entry("v100s", v100s, flightllm_figures(b)));
    const double tok_u = a["output_tokens_per_s"].get<double>();
    const double tok_v = b["output_tokens_per_s"].get<double>();
    const double w_u = a["average_power_w"].get<double>();
    const double w_v = b["average_power_w"].get<double>();
    r.explanation = fmt::format(
        "U280 {:.3f} J per output token ({:.1f} tokens/s at {:.0f} W) vs V100S {:.3f} J ({:.1f} tokens/s at {:.0f} W): "
        "{:.2f}x the tokens per second at a V100S/U280 power ratio of {:.2f}. Batch-1 decode is bound by weight reads, "
        "which the "
        "assumed 2:4 sparsity and 4-bit weights cut 3.6x on the U280. A 6.0x ratio at these speeds would need the U280 "
        "to draw {:.0f} W; the power model (idle + (tdp - idle) x busy shares, with an estimated 30 W idle and the "
        "board's 225 W maximum) is not fitted to measured FPGA power, and FlightLLM's measured board power is not in "
        "its abstract. The 1.8x cost-efficiency claim is scenario flightllm-u280-cost.",
        ju, tok_u, w_u, jv, tok_v, w_v, tok_u / tok_v, w_v / w_u, w_v * tok_u / (6.0 * tok_v));
    return r;
}

}  // namespace

Scenario flightllm_scenario() {
    Scenario s;
    s.name = "flightllm-u280-energy";
    s.paper = "FlightLLM (Zeng et al., FPGA 2024)";
    s.claim = "On the Alveo U280, 6.0x higher energy efficiency than a V100S running vLLM at batch 1 on LLaMA2-7B";
    s.range = {6.0, 6.0, "x"};
    s.run = run_flightllm;
    return s;
}

}  // namespace llmsim::tools::reproduce
