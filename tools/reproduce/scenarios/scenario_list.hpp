#pragma once
// One factory per scenario file (registry.cpp lists them).
#include "tools/reproduce/scenario.hpp"

namespace llmsim::tools::reproduce {

Scenario flightllm_scenario();

}  // namespace llmsim::tools::reproduce
