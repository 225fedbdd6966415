#include "tests/support/test_support.hpp"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>

namespace llmsim::test {

std::optional<std::string> shared_file(const std::string& relative) {
    const char* env = std::getenv("LLMSIM_SHARED_DIR");
    const std::string root = env != nullptr ? env : LLMSIM_DEFAULT_SHARED_DIR;
    const std::string path = root + "/" + relative;
    if (std::filesystem::exists(path)) return std::filesystem::canonical(path).string();
    return std::nullopt;
}

void skip(const std::string& reason) {
    std::cout << "LLMSIM-SKIP: " << reason << std::endl;
}

std::string source_path(const std::string& relative) {
    return std::string(LLMSIM_SOURCE_DIR) + "/" + relative;
}

std::string llmsim_binary() {
    return LLMSIM_BINARY;
}

std::string read_text(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + path);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

pid_t spawn(const std::vector<std::string>& argv, const std::string& out_path, const std::string& err_path) {
    const pid_t pid = fork();
    if (pid == 0) {
        const int out_fd = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        // One open file for both streams when they share a path, so neither overwrites the other.
        const int err_fd = err_path == out_path ? out_fd : open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        dup2(out_fd, 1);
        dup2(err_fd, 2);
        std::vector<std::string> storage = argv;
        std::vector<char*> c_argv;
        for (auto& s : storage)
            c_argv.push_back(s.data());
        c_argv.push_back(nullptr);
        execv(c_argv[0], c_argv.data());
        _exit(127);
    }
    return pid;
}

pid_t spawn_llmsim(const std::vector<std::string>& args, const std::string& out_path, const std::string& err_path) {
    std::vector<std::string> argv = {llmsim_binary()};
    argv.insert(argv.end(), args.begin(), args.end());
    return spawn(argv, out_path, err_path);
}

int wait_exit(pid_t pid) {
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

CommandResult run_llmsim(const std::vector<std::string>& args) {
    TempDir tmp;
    const std::string out_path = tmp.file("stdout");
    const std::string err_path = tmp.file("stderr");
    CommandResult r;
    r.exit_code = wait_exit(spawn_llmsim(args, out_path, err_path));
    r.out = read_text(out_path);
    r.err = read_text(err_path);
    return r;
}

TempDir::TempDir() {
    static std::atomic<int> counter{0};
    path_ = (std::filesystem::temp_directory_path() /
             ("llmsim-test-" + std::to_string(getpid()) + "-" + std::to_string(counter++)))
                .string();
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
}

std::string TempDir::write(const std::string& name, const std::string& content) const {
    const std::string p = file(name);
    std::ofstream out(p, std::ios::binary);
    out << content;
    return p;
}

double rel_error(double predicted, double measured) {
    return std::fabs(predicted - measured) / std::fabs(measured);
}

double median(std::vector<double> values) {
    if (values.empty()) return 0.0;
    std::sort(values.begin(), values.end());
    const size_t n = values.size();
    return n % 2 == 1 ? values[n / 2] : 0.5 * (values[n / 2 - 1] + values[n / 2]);
}

}  // namespace llmsim::test
