#pragma once
// One factory per scenario file (registry.cpp lists them).
#include "tools/reproduce/scenario.hpp"

namespace llmsim::tools::reproduce {

Scenario distserve_scenario();
Scenario splitwise_scenario();

}  // namespace llmsim::tools::reproduce
