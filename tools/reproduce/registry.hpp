#pragma once
// Every `llmsim reproduce` scenario, in listing order. To add one: a file under scenarios/ defining a factory
// `Scenario NAME_scenario()`, its declaration in scenarios/scenario_list.hpp and one line in registry.cpp.
#include <string>
#include <vector>

#include "tools/reproduce/scenario.hpp"

namespace llmsim::tools::reproduce {

const std::vector<Scenario>& scenarios();
// Null when no scenario has this name.
const Scenario* find_scenario(const std::string& name);

}  // namespace llmsim::tools::reproduce
