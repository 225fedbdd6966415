#pragma once
// One factory per scenario file (registry.cpp lists them).
#include "tools/reproduce/scenario.hpp"

namespace llmsim::tools::reproduce {

Scenario flightllm_scenario();
Scenario mllm_npu_scenario();

}  // namespace llmsim::tools::reproduce
