#include <CLI/CLI.hpp>

#include "tools/commands/commands.hpp"

namespace llmsim::tools {

void add_bench_command(CLI::App& root) { root.add_subcommand("bench", "not yet implemented"); }

}  // namespace llmsim::tools
