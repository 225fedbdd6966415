#pragma once
// Shared by the libFuzzer harnesses (one per parser, fuzz/fuzz_*.cpp). The promise every parser keeps: bad input
// is a typed error (UsageError/InputError, exit 2). Anything else -- another exception type, a broken invariant
// (InternalError), a crash or a sanitizer report -- is a bug, and the harness aborts so libFuzzer keeps the input.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace llmsim::fuzz {

// Runs `parse`; returns normally when it succeeds or throws a typed input error, aborts with the message otherwise.
void expect_typed_errors_only(const std::function<void()>& parse);

// Parsers read paths, so the input goes to a scratch file private to this process (removed at exit); `extension`
// (".csv", ".json", ...) keeps the file name realistic. Returns the path.
std::string write_input_file(const uint8_t* data, size_t size, std::string_view extension);

// write_input_file + expect_typed_errors_only(parse(path)): the whole body of a file parser's harness.
int fuzz_file_parser(const uint8_t* data, size_t size, std::string_view extension,
                     const std::function<void(const std::string& path)>& parse);

// The process's scratch directory (created on first use, removed at exit).
const std::string& scratch_dir();

}  // namespace llmsim::fuzz
