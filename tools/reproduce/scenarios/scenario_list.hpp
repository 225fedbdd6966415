#pragma once
// One factory per scenario file (registry.cpp lists them).
#include "tools/reproduce/scenario.hpp"

namespace llmsim::tools::reproduce {

Scenario sarathi_serve_mistral_7b_scenario();
Scenario sarathi_serve_falcon_180b_scenario();
Scenario sarathi_llama_13b_decode_scenario();
Scenario sarathi_llama_13b_e2e_scenario();
Scenario online_speculative_decoding_scenario();
Scenario pearl_scenario();
Scenario big_little_decoder_scenario();
Scenario triforce_scenario();
Scenario rapid_long_context_sd_scenario();
Scenario duoattention_scenario();
Scenario kivi_scenario();
Scenario kvquant_scenario();
Scenario lm_infinite_scenario();
Scenario minicache_scenario();
Scenario razorattention_scenario();
Scenario scissorhands_scenario();
Scenario distserve_scenario();
Scenario splitwise_scenario();
Scenario flightllm_scenario();
Scenario mllm_npu_scenario();
Scenario megascale_scenario();
Scenario zero_scenario();
Scenario llm_in_a_flash_scenario();
Scenario llm_in_a_flash_gpu_scenario();

}  // namespace llmsim::tools::reproduce
