#include "common/atomic_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <set>
#include <system_error>

#include "common/bounded.hpp"
#include "common/error.hpp"
#include "common/temp_paths.hpp"

namespace llmsim {
namespace fs = std::filesystem;
namespace {

std::string pid_suffix() {
    return ".tmp." + std::to_string(::getpid());
}

// What a non-regular path is, for the message.
std::string kind_of(const fs::file_status& st) {
    switch (st.type()) {
        case fs::file_type::directory:
            return "a directory";
        case fs::file_type::character:
            return "a character device";
        case fs::file_type::block:
            return "a block device";
        case fs::file_type::fifo:
            return "a FIFO";
        case fs::file_type::socket:
            return "a socket";
        case fs::file_type::symlink:
            return "a symbolic link";
        default:
            return "not a regular file";
    }
}

void write_plain(const std::string& path, const std::string& content, const std::string& where) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (!out) throw InputError(where, "cannot open for writing (is the directory writable?)");
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    out.flush();
    if (!out) {
        out.close();
        std::remove(path.c_str());
        throw InputError(where, "write failed (disk full?)");
    }
}

// The directory's path without a trailing separator ("out/" -> "out", "." -> the absolute cwd).
fs::path normal_dir(const std::string& dir) {
    fs::path p = fs::path(dir).lexically_normal();
    if (p.filename().empty()) p = p.parent_path();
    if (p.empty() || p == "." || p == "..") p = fs::absolute(p).lexically_normal();
    if (p.filename().empty()) p = p.parent_path();
    return p;
}

}  // namespace

void check_output_file(const std::string& path, const std::string& where) {
    const std::string w = where.empty() ? path : where;
    if (path.empty()) throw InputError(w, "expected an output file path, got ''");
    std::error_code ec;
    const fs::file_status st = fs::symlink_status(path, ec);
    if (ec || st.type() == fs::file_type::not_found || st.type() == fs::file_type::regular) return;
    throw InputError(w, "'" + clip_for_message(path) + "' is " + kind_of(st) +
                            " (expected a regular file or a new path; outputs never replace anything else)");
}

void write_file_atomic(const std::string& path, const std::string& content, const std::string& where) {
    const std::string w = where.empty() ? path : where;
    check_output_file(path, w);
    const std::string tmp = path + pid_suffix();
    const TempPathGuard guard(tmp);
    write_plain(tmp, content, w);
    if (std::rename(tmp.c_str(), path.c_str()) != 0) {
        std::remove(tmp.c_str());
        throw InputError(w, "cannot rename temporary file into place");
    }
}

void write_stdout(const std::string& text) {
    std::cout << text;
    std::cout.flush();
    if (!std::cout) throw InputError("<stdout>", "write failed (closed pipe or full device?)");
}

void check_output_directory(const std::string& dir, const std::string& where) {
    const std::string w = where.empty() ? dir : where;
    if (dir.empty()) throw InputError(w, "expected an output directory path, got ''");
    std::error_code ec;
    const fs::file_status st = fs::symlink_status(normal_dir(dir), ec);
    if (ec || st.type() == fs::file_type::not_found || st.type() == fs::file_type::directory) return;
    throw InputError(w, "'" + clip_for_message(dir) + "' is " +
                            (st.type() == fs::file_type::regular ? std::string("a regular file") : kind_of(st)) +
                            " (expected a directory or a new path)");
}

void write_directory_atomic(const std::string& dir, const std::vector<std::pair<std::string, std::string>>& files,
                            const std::vector<std::string>& owned_names, const std::string& where) {
    const std::string w = where.empty() ? dir : where;
    check_output_directory(dir, w);
    const fs::path target = normal_dir(dir);
    std::error_code ec;
    const bool exists = fs::exists(fs::symlink_status(target, ec));
    // A directory holding files this run does not own keeps them: stage inside it and replace file by file.
    const std::set<std::string> owned(owned_names.begin(), owned_names.end());
    bool foreign = false;
    if (exists) {
        for (const auto& e : fs::directory_iterator(target, ec))
            foreign = foreign || owned.count(e.path().filename().string()) == 0;
    }
    if (!exists) ensure_directory(target.parent_path().empty() ? "." : target.parent_path().string());
    const fs::path staging =
        foreign ? target / (".llmsim-staging" + pid_suffix()) : fs::path(target.string() + pid_suffix());
    fs::remove_all(staging, ec);
    if (!fs::create_directory(staging, ec) || ec) {
        throw InputError(w, "cannot create a staging directory next to it (" + ec.message() + ")");
    }
    const TempPathGuard dir_guard(staging.string(), true);
    std::vector<std::unique_ptr<TempPathGuard>> guards;
    // After an exchange the staging path holds the old set: guard every name either set may have.
    std::set<std::string> names(owned.begin(), owned.end());
    for (const auto& [name, content] : files)
        names.insert(name);
    for (const auto& name : names)
        guards.push_back(std::make_unique<TempPathGuard>((staging / name).string()));
    for (const auto& [name, content] : files)
        write_plain((staging / name).string(), content, w);

    auto clean_staging = [&] { fs::remove_all(staging, ec); };
    if (!exists) {
        if (std::rename(staging.c_str(), target.c_str()) != 0) {
            clean_staging();
            throw InputError(w, std::string("cannot move the outputs into place (") + std::strerror(errno) + ")");
        }
        return;
    }
    if (!foreign && ::renameat2(AT_FDCWD, staging.c_str(), AT_FDCWD, target.c_str(), RENAME_EXCHANGE) == 0) {
        clean_staging();  // now the old set
        return;
    }
    // File by file (a directory with other files, or a file system without RENAME_EXCHANGE): each file is whole.
    for (const auto& [name, content] : files) {
        if (std::rename((staging / name).c_str(), (target / name).c_str()) != 0) {
            clean_staging();
            throw InputError(w, "cannot move " + name + " into place (" + std::strerror(errno) + ")");
        }
    }
    for (const auto& name : owned) {
        bool written = false;
        for (const auto& f : files)
            written = written || f.first == name;
        if (!written) fs::remove(target / name, ec);  // a stale output of an earlier run (e.g. trace.json)
    }
    clean_staging();
}

void ensure_directory(const std::string& path) {
    std::error_code ec;
    std::filesystem::create_directories(path, ec);
    if (ec || !std::filesystem::is_directory(path)) {
        throw InputError(path, "cannot create output directory (" + ec.message() + ")");
    }
}

}  // namespace llmsim
