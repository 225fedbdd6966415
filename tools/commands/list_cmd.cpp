#include <CLI/CLI.hpp>

#include "tools/commands/commands.hpp"

namespace llmsim::tools {

void add_list_command(CLI::App& root) { root.add_subcommand("list", "not yet implemented"); }

}  // namespace llmsim::tools
