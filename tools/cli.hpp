#pragma once
// The llmsim command line: parses the subcommand and maps typed errors to exit codes (0 ok, 2 bad input, 1 bug).
namespace llmsim::tools {

int main_entry(int argc, char** argv);

}  // namespace llmsim::tools
