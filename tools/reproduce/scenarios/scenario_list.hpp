#pragma once
// One factory per scenario file (registry.cpp lists them).
#include "tools/reproduce/scenario.hpp"

namespace llmsim::tools::reproduce {

Scenario duoattention_scenario();
Scenario kivi_scenario();
Scenario kvquant_scenario();
Scenario lm_infinite_scenario();
Scenario minicache_scenario();
Scenario razorattention_scenario();
Scenario scissorhands_scenario();

}  // namespace llmsim::tools::reproduce
