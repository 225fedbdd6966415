// An inference-perf config YAML (traces/inference_perf/config.cpp). Only the parser: generating the requests of a
// valid config may legitimately take up to its 100M-request limit, which is no fuzzing input.
#include "fuzz/harness.hpp"
#include "traces/inference_perf/config.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    return llmsim::fuzz::fuzz_file_parser(data, size, ".yaml", [](const std::string& path) {
        (void)llmsim::traces::inference_perf::read_inference_perf_config(path);
    });
}
