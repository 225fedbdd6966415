#pragma once
// One measurement row describing a single launch of a model op: the shape the harness times and the importers
// attach published timings to. Both must describe launches the same way, or the fitter sees two scales.
#include <string>

#include "hardware/calibration/measurement.hpp"
#include "models/layer_ops.hpp"

namespace llmsim::tools {

// Shape, FLOPs, bytes and rows of one launch of `op` (ops with several launches are split evenly); no timing,
// device or backend.
hardware::Measurement launch_measurement(const models::Op& op, const std::string& tag);

}  // namespace llmsim::tools
