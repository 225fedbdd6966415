#pragma once
// Output files appear complete or not at all: write to a sibling temp file, then rename over the target.
#include <string>

namespace llmsim {

// Writes `content` to `path` atomically; throws InputError(path, ...) if the directory is not writable.
void write_file_atomic(const std::string& path, const std::string& content);

// Creates a directory (and parents); throws InputError naming the path on failure.
void ensure_directory(const std::string& path);

}  // namespace llmsim
