#include <CLI/CLI.hpp>

#include "tools/commands/commands.hpp"

namespace llmsim::tools {

void add_run_command(CLI::App& root) { root.add_subcommand("run", "not yet implemented"); }

}  // namespace llmsim::tools
