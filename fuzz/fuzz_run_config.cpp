// A `run --config` JSON file (tools/run_config.cpp): registered on a command like `llmsim run` and resolved.
#include <CLI/CLI.hpp>

#include "fuzz/harness.hpp"
#include "tools/run_config.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    return llmsim::fuzz::fuzz_file_parser(data, size, ".json", [](const std::string& path) {
        CLI::App app;
        llmsim::tools::RunConfig config;
        config.add_flags(app);
        app.parse(std::vector<std::string>{path, "--config"});  // CLI11 takes the vector in reverse order
        config.resolve();
        (void)config.resolved_json();
    });
}
