// Trace format detection (traces/trace_format.cpp) followed by the detected reader, as `--trace FILE` runs them.
#include "fuzz/harness.hpp"
#include "traces/trace_format.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    return llmsim::fuzz::fuzz_file_parser(
        data, size, ".csv", [](const std::string& path) { (void)llmsim::traces::read_trace(path, "auto"); });
}
