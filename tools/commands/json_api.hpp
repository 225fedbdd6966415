#pragma once
// What `llmsim cost|train|list ... --json` prints, computed from a settings object whose keys are the command's
// flag names ("prefill_tokens" or "prefill-tokens"): the Python module's entry points. The command's own options
// parse the settings (tools/json_args.hpp), so defaults, checks and messages are the command line's.
// (`llmsim run` has tools/serving_run.hpp: run_serving.)
#include <string>

#include "common/json_io.hpp"

namespace llmsim::tools {

// `where` is the settings' name plus '#' ("config#"); a bad key's message names where + "/" + key.
OrderedJson cost_json(const Json& settings, const std::string& where);
OrderedJson train_json(const Json& settings, const std::string& where);
// The rows of `llmsim list KIND` (what `llmsim list KIND --json` prints).
OrderedJson list_json(const std::string& kind);

}  // namespace llmsim::tools
