#include <CLI/CLI.hpp>

#include "tools/commands/commands.hpp"

namespace llmsim::tools {

void add_cost_command(CLI::App& root) { root.add_subcommand("cost", "not yet implemented"); }

}  // namespace llmsim::tools
