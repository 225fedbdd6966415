// A Hugging Face config.json (models/hf_config.cpp), imported as `--model PATH` imports it.
#include "fuzz/harness.hpp"
#include "models/hf_config.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    return llmsim::fuzz::fuzz_file_parser(
        data, size, ".json", [](const std::string& path) { (void)llmsim::models::import_hf_config(path); });
}
