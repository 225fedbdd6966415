#include "common/error.hpp"

namespace llmsim {

void assert_failed(const char* expr, const char* file, int line, const std::string& msg) {
    throw InternalError(std::string(file) + ":" + std::to_string(line),
                        "invariant violated: " + std::string(expr) + (msg.empty() ? "" : " (" + msg + ")"));
}

}  // namespace llmsim
