#include <CLI/CLI.hpp>

#include "tools/commands/commands.hpp"

namespace llmsim::tools {

void add_train_command(CLI::App& root) { root.add_subcommand("train", "not yet implemented"); }

}  // namespace llmsim::tools
