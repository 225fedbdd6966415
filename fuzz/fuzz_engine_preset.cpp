// An engine preset JSON (policies/engine/engine_preset.cpp), resolved as `--engine PATH.json` resolves it.
#include "fuzz/harness.hpp"
#include "policies/engine/engine_preset.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    return llmsim::fuzz::fuzz_file_parser(
        data, size, ".json", [](const std::string& path) { (void)llmsim::policies::resolve_engine(path, "--engine"); });
}
