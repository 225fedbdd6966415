#pragma once
// `llmsim bench serve`: the real CPU serving loop with `llmsim run`'s flags and summary keys, plus a "real" block
// (kernel/host time split, per-op times, the measured host overhead as a --framework-overhead value).
#include <cstdint>

#include "tools/run_config.hpp"

namespace llmsim::bench {

struct ServeArgs {
    tools::RunConfig cfg;
    int32_t threads = 0;  // 0: every hardware thread
    bool quiet = false;   // no progress bar
};

void run_serve_command(ServeArgs& args);

}  // namespace llmsim::bench
