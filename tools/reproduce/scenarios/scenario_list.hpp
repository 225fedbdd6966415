#pragma once
// One factory per scenario file (registry.cpp lists them).
#include "tools/reproduce/scenario.hpp"

namespace llmsim::tools::reproduce {

Scenario sarathi_serve_mistral_7b_scenario();
Scenario sarathi_serve_falcon_180b_scenario();
Scenario sarathi_llama_13b_decode_scenario();
Scenario sarathi_llama_13b_e2e_scenario();

}  // namespace llmsim::tools::reproduce
