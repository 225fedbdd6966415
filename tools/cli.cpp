#include "tools/cli.hpp"

#include <iostream>

#include "common/error.hpp"

namespace llmsim::tools {

int main_entry(int argc, char** argv) {
    try {
        (void)argc;
        (void)argv;
        std::cout << "llmsim\n";
        return 0;
    } catch (const Error& e) {
        std::cerr << "llmsim: error: " << e.what() << "\n";
        return e.exit_code();
    } catch (const std::exception& e) {
        std::cerr << "llmsim: internal error: " << e.what() << "\n";
        return 1;
    }
}

}  // namespace llmsim::tools
