#include "fuzz/harness.hpp"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "common/error.hpp"

namespace llmsim::fuzz {

namespace {

[[noreturn]] void report_bug(const std::string& what) {
    std::fprintf(stderr, "llmsim-fuzz: not a typed input error: %s\n", what.c_str());
    std::abort();
}

void remove_scratch_dir() {
    std::error_code ignored;
    std::filesystem::remove_all(scratch_dir(), ignored);
}

}  // namespace

const std::string& scratch_dir() {
    // Never destroyed: the exit handler that removes the directory runs after static destructors would have.
    static const std::string& dir = *new std::string([] {
        const char* tmp = std::getenv("TMPDIR");
        const std::filesystem::path base = tmp != nullptr && *tmp != '\0' ? tmp : "/tmp";
        const std::filesystem::path path = base / ("llmsim-fuzz-" + std::to_string(::getpid()));
        std::filesystem::create_directories(path);
        std::atexit(remove_scratch_dir);
        return path.string();
    }());
    return dir;
}

void expect_typed_errors_only(const std::function<void()>& parse) {
    try {
        parse();
    } catch (const Error& e) {
        if (e.kind() == ErrorKind::internal) report_bug(std::string("InternalError: ") + e.what());
    } catch (const std::exception& e) {
        report_bug(std::string("std::exception: ") + e.what());
    } catch (...) {
        report_bug("an exception of unknown type");
    }
}

std::string write_input_file(const uint8_t* data, size_t size, std::string_view extension) {
    const std::string path = scratch_dir() + "/input" + std::string(extension);
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    out.close();
    if (!out) report_bug("cannot write the scratch input " + path);
    return path;
}

int fuzz_file_parser(const uint8_t* data, size_t size, std::string_view extension,
                     const std::function<void(const std::string& path)>& parse) {
    const std::string path = write_input_file(data, size, extension);
    expect_typed_errors_only([&] { parse(path); });
    return 0;
}

}  // namespace llmsim::fuzz
