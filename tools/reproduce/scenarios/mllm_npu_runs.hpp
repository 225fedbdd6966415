#pragma once
// Shared by the mllm-NPU comparison scenarios (Xu et al., ASPLOS 2025): Qwen1.5-1.8B prefills on the phone's NPU
// (mllm-NPU) and on its CPU (a llama.cpp-style engine), one prompt at a time, at several prompt lengths.
#include <vector>

#include "tools/reproduce/scenario.hpp"

namespace llmsim::tools::reproduce {

struct PrefillPair {
    int64_t prompt_tokens = 0;
    double npu_ms = 0;  // time to first token
    double cpu_ms = 0;
    double npu_j = 0;  // device energy of the run
    double cpu_j = 0;
};

// The prompt lengths compared (the abstract gives an average, not the lengths).
const std::vector<int64_t>& mllm_prompt_lengths();

// Runs each length on both devices, appending the runs to `out.runs` and the shared assumptions to
// `out.assumptions`.
std::vector<PrefillPair> mllm_prefill_pairs(Reproduction& out);

}  // namespace llmsim::tools::reproduce
