#include "tools/cli.hpp"

int main(int argc, char** argv) {
    return llmsim::tools::main_entry(argc, argv);
}
