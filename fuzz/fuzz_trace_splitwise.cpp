// The splitwise trace reader (traces/formats/): any file content is a Workload or an InputError.
#include "fuzz/harness.hpp"
#include "traces/formats/formats.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    return llmsim::fuzz::fuzz_file_parser(
        data, size, ".csv", [](const std::string& path) { (void)llmsim::traces::formats::read_splitwise(path); });
}
