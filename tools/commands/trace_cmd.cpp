#include <CLI/CLI.hpp>

#include "tools/commands/commands.hpp"

namespace llmsim::tools {

void add_trace_command(CLI::App& root) { root.add_subcommand("trace", "not yet implemented"); }

}  // namespace llmsim::tools
