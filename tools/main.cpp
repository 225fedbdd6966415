#include "common/temp_paths.hpp"
#include "tools/cli.hpp"

int main(int argc, char** argv) {
    // Only the program installs signal handlers (not main_entry, which the fuzz harness and tests embed): a killed
    // run removes its temp files, then dies of the signal.
    llmsim::install_temp_cleanup_handlers();
    return llmsim::tools::main_entry(argc, argv);
}
