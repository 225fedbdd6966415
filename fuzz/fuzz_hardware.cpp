// A hardware profile JSON (hardware/device_spec.cpp), loaded as `--hardware PATH` loads it.
#include "fuzz/harness.hpp"
#include "hardware/catalogue.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    return llmsim::fuzz::fuzz_file_parser(
        data, size, ".json", [](const std::string& path) { (void)llmsim::hardware::load_device_file(path); });
}
