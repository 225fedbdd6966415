#pragma once
// --weights-tier (run, cost, config key "weights-tier"): weights that do not fit the memory budget stream from flash.
//     flash:dram=SIZE[,read=PRESET|CURVE.json][,load=sparse|naive][,sparsity=F][,window=K][,bundle=on|off]
//           [,predictor=F][,window-exp=G]
// dram: weights kept in the memory the device computes from (a CPU's DRAM, a GPU's own memory; at most the device's
// memory). read: the flash read-throughput curve (hardware/flash_read_curve.hpp; default m1-max). load=naive is the
// paper's baseline (every non-resident weight read each pass) and takes none of the sparse keys. sparsity: fraction of
// FFN neurons predicted active per token, in (0, 1]; window: tokens whose neurons stay resident (>= 0); bundle:
// row-column bundling; predictor: predictor size as a fraction of the model; window-exp: the window growth exponent.
// Defaults: models/weight_offload.hpp. Docs: docs/flash-weights.md.
#include <string>

#include "common/error.hpp"
#include "common/json_io.hpp"
#include "hardware/device_spec.hpp"
#include "models/model_spec.hpp"
#include "models/parallel.hpp"
#include "models/precision.hpp"
#include "sim/cost/flash_weights.hpp"

namespace llmsim::tools {

// Errors name `where` (the flag or the config key's JSON pointer) and the key inside the spec; `kind` is usage for a
// flag, input for a config file.
sim::FlashWeights make_flash_weights(const std::string& text, const std::string& where, ErrorKind kind,
                                     const models::ModelSpec& model, const models::Precision& prec,
                                     const models::InferenceParallel& par, const hardware::DeviceSpec& device);

// What `run --json` and `cost --json` show: the per-token flash bytes and time (one decode token), the resident
// fraction, the chunk and the read throughput it gets.
OrderedJson flash_weights_json(const sim::FlashWeights& flash);

}  // namespace llmsim::tools
