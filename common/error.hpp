#pragma once
// Typed errors. Every error carries *where* it came from (file:line, flag, JSON pointer) and *what* was expected,
// so main() can print one line and pick the exit code: InputError/UsageError -> 2, InternalError -> 1.
#include <stdexcept>
#include <string>

namespace llmsim {

enum class ErrorKind { usage, input, internal };

class Error : public std::runtime_error {
  public:
    Error(ErrorKind kind, std::string where, const std::string& what)
        : std::runtime_error(where.empty() ? what : where + ": " + what), kind_(kind), where_(std::move(where)) {}
    [[nodiscard]] ErrorKind kind() const { return kind_; }
    [[nodiscard]] const std::string& where() const { return where_; }
    [[nodiscard]] int exit_code() const { return kind_ == ErrorKind::internal ? 1 : 2; }

  private:
    ErrorKind kind_;
    std::string where_;
};

// Bad content of a file or config (trace rows, JSON, model config).
class InputError : public Error {
  public:
    InputError(std::string where, const std::string& what) : Error(ErrorKind::input, std::move(where), what) {}
};

// Bad command-line usage (flag values, incompatible combinations).
class UsageError : public Error {
  public:
    UsageError(std::string where, const std::string& what) : Error(ErrorKind::usage, std::move(where), what) {}
};

// A broken invariant: a bug in llmsim, never the user's fault.
class InternalError : public Error {
  public:
    InternalError(std::string where, const std::string& what) : Error(ErrorKind::internal, std::move(where), what) {}
};

[[noreturn]] void assert_failed(const char* expr, const char* file, int line, const std::string& msg);

}  // namespace llmsim

// Always-on invariant check (release builds too): simulator bugs must never silently produce numbers.
#define LLMSIM_ASSERT(cond, msg)                                       \
    do {                                                               \
        if (!(cond)) [[unlikely]]                                      \
            ::llmsim::assert_failed(#cond, __FILE__, __LINE__, (msg)); \
    } while (false)
