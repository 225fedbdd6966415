#pragma once
// Shared by the FlightLLM scenarios (Zeng et al., FPGA 2024): LLaMA2-7B served one request at a time (batch 1, the
// abstract's setting) on an FPGA preset with FlightLLM's mechanisms or on a GPU running vLLM.
#include <string>

#include "common/json_io.hpp"

namespace llmsim::tools::reproduce {

// 16 requests of 128 prompt + 128 output tokens at max-batch 1. An FPGA ("alveo-u280", "versal-vhk158") runs int8
// with no vLLM host loop (FlightLLM issues its own instruction stream); a GPU runs `gpu_dtype` with the vllm engine.
Json flightllm_settings(const std::string& hardware, const std::string& gpu_dtype = "fp16");

// The assumption line every FlightLLM scenario states for its FPGA side.
std::string flightllm_fpga_assumption(const std::string& preset);

// Figures a FlightLLM run entry records from simulate()'s summary.
OrderedJson flightllm_figures(const OrderedJson& summary);

}  // namespace llmsim::tools::reproduce
