#pragma once
// One factory per scenario file (registry.cpp lists them).
#include "tools/reproduce/scenario.hpp"

namespace llmsim::tools::reproduce {

Scenario online_speculative_decoding_scenario();
Scenario pearl_scenario();
Scenario big_little_decoder_scenario();
Scenario triforce_scenario();
Scenario rapid_long_context_sd_scenario();

}  // namespace llmsim::tools::reproduce
