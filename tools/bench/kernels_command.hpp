#pragma once
// `llmsim bench kernels`: plan, run and write the measurement CSV (the calibration input).
#include <cstdint>
#include <string>
#include <vector>

namespace llmsim::bench {

struct KernelsArgs {
    std::string backend = "cpu";
    std::string out;
    int32_t threads = 0;  // 0: every hardware thread
    bool quick = false;
    std::vector<std::string> models;  // model families whose layer shapes are measured
    std::string dtypes;               // comma list; empty: the backend's default
    std::string device;               // label written to the device column (default: host / the GPU's name)
    int32_t cuda_device = 0;
    double min_time_s = 0;  // per-case time budget; 0: the mode's default
    bool no_square = false;
    bool no_stream = false;
    bool quiet = false;
};

void run_kernels_command(const KernelsArgs& args);

}  // namespace llmsim::bench
