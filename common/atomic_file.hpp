#pragma once
// Output files appear complete or not at all: write to a sibling temp file, then rename over the target. Outputs
// only ever replace regular files (or create new paths): a device, directory, FIFO, socket or symlink given as an
// output is refused, never replaced. Temp paths are registered so a SIGINT/SIGTERM removes them (temp_paths.hpp).
#include <string>
#include <utility>
#include <vector>

namespace llmsim {

// Throws InputError(where or path) unless `path` is non-empty and names a regular file or nothing yet.
void check_output_file(const std::string& path, const std::string& where = "");

// Writes `content` to `path` atomically; throws InputError naming `where` (default: the path) if the path is not a
// regular file or new, or the directory is not writable, or the write fails.
void write_file_atomic(const std::string& path, const std::string& content, const std::string& where = "");

// Writes `text` to stdout and flushes; a failed write (closed pipe, full device) throws InputError("<stdout>", ...).
void write_stdout(const std::string& text);

// Throws InputError(where or dir) unless `dir` is non-empty and names a directory or nothing yet (checked before a
// long run, so a bad --out fails fast).
void check_output_directory(const std::string& dir, const std::string& where = "");

// Writes a set of files (name, content) as the directory `dir`, as one set: staged in a sibling temp directory and
// exchanged with the old one in one rename (Linux RENAME_EXCHANGE), so `dir` holds either the complete old set or
// the complete new one, even when the process is killed. A `dir` holding files other than `owned_names` (files an
// earlier run wrote) keeps them; then each file is replaced atomically on its own.
void write_directory_atomic(const std::string& dir, const std::vector<std::pair<std::string, std::string>>& files,
                            const std::vector<std::string>& owned_names, const std::string& where = "");

// Creates a directory (and parents); throws InputError naming the path on failure.
void ensure_directory(const std::string& path);

}  // namespace llmsim
