#include "common/error.hpp"

namespace llmsim {

void assert_failed(const char* expr, const char* file, int line, const std::string& msg) {
    // Appended piece by piece: GCC's -Wrestrict misreads the inlined chain of operator+ temporaries.
    std::string where(file);
    where += ':';
    where += std::to_string(line);
    std::string what("invariant violated: ");
    what += expr;
    if (!msg.empty()) {
        what += " (";
        what += msg;
        what += ')';
    }
    throw InternalError(where, what);
}

}  // namespace llmsim
