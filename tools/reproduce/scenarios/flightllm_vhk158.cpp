// FlightLLM (Zeng et al., FPGA 2024): Versal VHK158 vs A100 at batch 1 on LLaMA2-7B, throughput.
#include <fmt/format.h>

#include "hardware/catalogue.hpp"
#include "models/presets.hpp"
#include "tools/reproduce/repro_runs.hpp"
#include "tools/reproduce/scenarios/flightllm_runs.hpp"
#include "tools/reproduce/scenarios/scenario_list.hpp"

namespace llmsim::tools::reproduce {
namespace {

Reproduction run_flightllm_vhk158() {
    Reproduction r;
    r.baseline = "A100 SXM 80GB running vLLM with SmoothQuant W8A8 (int8), batch 1";
    r.assumptions = {
        {"model",
         "llama-2-7b, prompt 128, output 128 tokens, 16 requests one at a time (max-batch 1; the abstract's "
         "batch size of one, lengths not stated)"},
        {"VHK158", flightllm_fpga_assumption("versal-vhk158") + "; the 300 MHz kernel clock is assumed"},
        {"A100",
         "a100-sxm-80gb preset (the measured one; the abstract does not say SXM or PCIe), int8: the abstract's "
         "GPU baselines run vLLM and SmoothQuant, whose W8A8 GEMMs use the A100's int8 tensor cores; vllm "
         "engine host loop"},
        {"metric", "throughput = output tokens per second of the batch-1 runs (prefill included)"}};
    const Json fpga = flightllm_settings("versal-vhk158");
    const Json gpu = flightllm_settings("a100-sxm-80gb", "int8");
    const Json gpu_fp16 = flightllm_settings("a100-sxm-80gb", "fp16");
    const OrderedJson a = simulate(fpga, "flightllm vhk158");
    const OrderedJson b = simulate(gpu, "flightllm a100 int8");
    const OrderedJson c = simulate(gpu_fp16, "flightllm a100 fp16");
    const double tok_f = a["output_tokens_per_s"].get<double>();
    const double tok_g = b["output_tokens_per_s"].get<double>();
    const double tok_h = c["output_tokens_per_s"].get<double>();
    r.simulated = tok_f / tok_g;
    r.runs.push_back(run_entry("versal-vhk158", fpga, flightllm_figures(a)));
    r.runs.push_back(run_entry("a100-sxm-80gb int8", gpu, flightllm_figures(b)));
    r.runs.push_back(run_entry("a100-sxm-80gb fp16 (sensitivity)", gpu_fp16, flightllm_figures(c)));
    // Bandwidth floors of one decode step: the weights read once per token (matrix weights dominate; embeddings
    // and norms are counted too, which overstates the FPGA's compressed read slightly).
    const double params = static_cast<double>(models::resolve_model("llama-2-7b").param_count());
    const hardware::DeviceSpec vhk = hardware::resolve_device("versal-vhk158");
    const hardware::DeviceSpec a100 = hardware::resolve_device("a100-sxm-80gb");
    const double bytes_fpga = params * vhk.fpga->gemm_bytes_factor();
    const double bw_fpga = vhk.memory_bandwidth_bytes_per_s;
    const double bw_gpu = a100.memory_bandwidth_bytes_per_s;
    r.explanation = fmt::format(
        "VHK158 {:.1f} tokens/s ({:.2f} ms per output token) vs A100 int8 {:.1f} tokens/s ({:.2f} ms): {:.2f}x; vs "
        "the A100 in fp16 (vLLM without SmoothQuant, {:.1f} tokens/s) {:.2f}x. Batch-1 decode is bound by weight "
        "reads: the VHK158 reads {:.2f} GB per token (4-bit weights, 2:4 sparsity at 0.9) at {:.0f} GB/s, a floor "
        "of {:.2f} ms, the A100 {:.2f} GB of int8 weights at {:.0f} GB/s, {:.2f} ms, plus vLLM's per-step host loop, "
        "which "
        "the FPGA, issuing its own instruction stream, does not pay. The ratio rests on the assumed compression "
        "(sparsity pattern and average bits are not in the abstract) and on the FPGA's stated 0.9 bandwidth "
        "efficiency, not on a measurement of the VHK158; with dense 8-bit weights the FPGA would read 3.6x more.",
        tok_f, a["tpot_ms"]["mean"].get<double>(), tok_g, b["tpot_ms"]["mean"].get<double>(), r.simulated, tok_h,
        tok_f / tok_h, bytes_fpga / 1e9, bw_fpga / 1e9, bytes_fpga / bw_fpga * 1e3, params / 1e9, bw_gpu / 1e9,
        params / bw_gpu * 1e3);
    return r;
}

}  // namespace

Scenario flightllm_vhk158_scenario() {
    Scenario s;
    s.name = "flightllm-vhk158-throughput";
    s.paper = "FlightLLM (Zeng et al., FPGA 2024)";
    s.claim = "On the Versal VHK158, 1.2x the throughput of an NVIDIA A100 on LLaMA2-7B (batch 1)";
    s.range = {1.2, 1.2, "x"};
    s.run = run_flightllm_vhk158;
    return s;
}

}  // namespace llmsim::tools::reproduce
