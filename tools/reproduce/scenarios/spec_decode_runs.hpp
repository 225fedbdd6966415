#pragma once
// Shared by the speculative-decoding scenarios: a latency run at batch 1 (requests one after another, as the papers
// measure per-token latency) and its mean time per output token.
#include <string>

#include "common/json_io.hpp"
#include "tools/reproduce/repro_runs.hpp"
#include "tools/reproduce/scenario.hpp"

namespace llmsim::tools::reproduce {

// Settings for `requests` requests of fixed lengths served one at a time; `spec` empty: plain decoding.
Json batch1_settings(const std::string& model, const std::string& hardware, int32_t tp, int64_t prompt, int64_t output,
                     const std::string& spec, int32_t requests = 8);

// Runs the settings, appends the run to `out.runs` with its TPOT and speculative figures, returns mean TPOT in ms.
double batch1_tpot_ms(const Json& settings, const std::string& label, Reproduction& out);

}  // namespace llmsim::tools::reproduce
