#pragma once
// Training runs for reproduction scenarios: `llmsim train --json` on a settings object whose keys are train's flag
// names, so every figure a training scenario reports is what `llmsim train` prints for the settings it lists.
#include <string>

#include "common/json_io.hpp"

namespace llmsim::tools::reproduce {

// `llmsim train --json`'s object. Settings the command rejects are the scenario's bug (internal error naming it).
OrderedJson train(const Json& settings, const std::string& label);

// The figures a scenario lists for one training run: step time, MFU/HFU, TFLOP/s per GPU, bubble, the time
// breakdown, memory per GPU and whether it fits.
OrderedJson train_figures(const OrderedJson& result);

}  // namespace llmsim::tools::reproduce
