// The fuzz smoke of `make test`: every libFuzzer harness built into one ordinary program (no clang needed), which
// runs a harness on its seed corpus and then on a fixed number of deterministic mutations of it. It finds what
// breaks the typed-error promise fast (crashes, exit-1 errors, untyped exceptions) on every CI run; coverage-guided
// search stays with `make fuzz`. A failing input is saved as ./fuzz-smoke-crash-HARNESS before the harness aborts.
//   llmsim_fuzz_smoke HARNESS --runs N [--seed S] [--max-len BYTES] [--dict FILE] SEED_DIR...
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include "fuzz/smoke_table.hpp"

namespace {

using Bytes = std::vector<uint8_t>;

// The input being run, for the abort handler.
std::string g_harness;
std::string g_crash_path;  // absolute: a harness may change the working directory
Bytes g_current;

void save_current(int sig) {
    const std::string& path = g_crash_path;
    if (FILE* f = std::fopen(path.c_str(), "wb")) {
        std::fwrite(g_current.data(), 1, g_current.size(), f);
        std::fclose(f);
        std::fprintf(stderr, "llmsim-fuzz-smoke: failing input saved as %s\n", path.c_str());
    }
    std::signal(sig, SIG_DFL);
    std::raise(sig);
}

Bytes read_file(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// libFuzzer dictionary lines: "word".
std::vector<std::string> read_dict(const std::string& path) {
    std::vector<std::string> words;
    std::ifstream in(path);
    for (std::string line; std::getline(in, line);) {
        if (line.size() >= 2 && line.front() == '"' && line.back() == '"') words.push_back(line.substr(1, line.size() - 2));
    }
    return words;
}

// Tokens that have broken parsers before: out-of-range and non-finite numbers, quotes, separators, nesting.
const std::vector<std::string> kTokens = {
    "-1",  "0",     "1e400", "-1e400", "nan",  "inf", "99999999999999999999", "4294967298", "2147483648", "1e-320",
    "\"",  ",",     "\n",    "\r\n",   "{",    "}",   "[",                    "]",          ":",          "null",
    "true", "\"\"", "\\",    "\t",     "\xff", " ",   "0x10",                 "1.5",        "-0",         "1e30"};

class Mutator {
  public:
    Mutator(uint64_t seed, size_t max_len, std::vector<std::string> dict)
        : rng_(seed), max_len_(max_len), dict_(std::move(dict)) {}

    Bytes mutate(const std::vector<Bytes>& corpus) {
        Bytes b = corpus[pick(corpus.size())];
        const size_t n = 1 + pick(4);
        for (size_t i = 0; i < n; ++i)
            once(b, corpus);
        if (b.size() > max_len_) b.resize(max_len_);
        return b;
    }

  private:
    size_t pick(size_t n) { return n == 0 ? 0 : static_cast<size_t>(rng_() % n); }
    void insert(Bytes& b, const std::string& s) {
        const size_t at = pick(b.size() + 1);
        b.insert(b.begin() + static_cast<std::ptrdiff_t>(at), s.begin(), s.end());
    }
    void once(Bytes& b, const std::vector<Bytes>& corpus) {
        switch (pick(8)) {
            case 0:  // flip a bit
                if (!b.empty()) b[pick(b.size())] ^= static_cast<uint8_t>(1u << pick(8));
                break;
            case 1:  // a random byte
                if (!b.empty()) b[pick(b.size())] = static_cast<uint8_t>(rng_());
                break;
            case 2:  // erase a range
                if (!b.empty()) {
                    const size_t at = pick(b.size());
                    const size_t len = 1 + pick(std::min<size_t>(16, b.size() - at));
                    b.erase(b.begin() + static_cast<std::ptrdiff_t>(at), b.begin() + static_cast<std::ptrdiff_t>(at + len));
                }
                break;
            case 3:  // duplicate a range
                if (!b.empty()) {
                    const size_t at = pick(b.size());
                    const size_t len = 1 + pick(std::min<size_t>(64, b.size() - at));
                    const Bytes piece(b.begin() + static_cast<std::ptrdiff_t>(at),
                                      b.begin() + static_cast<std::ptrdiff_t>(at + len));
                    b.insert(b.begin() + static_cast<std::ptrdiff_t>(pick(b.size() + 1)), piece.begin(), piece.end());
                }
                break;
            case 4:  // replace a number or word with a token
            case 5:
                insert(b, kTokens[pick(kTokens.size())]);
                break;
            case 6:  // a dictionary word (CLI flags), NUL-separated as an argument
                if (!dict_.empty()) insert(b, std::string(1, '\0') + dict_[pick(dict_.size())]);
                break;
            default:  // splice with another seed
                if (!corpus.empty()) {
                    const Bytes& other = corpus[pick(corpus.size())];
                    const size_t cut = pick(b.size() + 1);
                    const size_t from = pick(other.size() + 1);
                    b.resize(cut);
                    b.insert(b.end(), other.begin() + static_cast<std::ptrdiff_t>(from), other.end());
                }
                break;
        }
    }

    std::mt19937_64 rng_;
    size_t max_len_;
    std::vector<std::string> dict_;
};

int usage(const char* msg) {
    std::fprintf(stderr, "llmsim_fuzz_smoke: %s\nusage: llmsim_fuzz_smoke HARNESS --runs N [--seed S] [--max-len B] "
                         "[--dict FILE] SEED_DIR...\n", msg);
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) return usage("no harness given");
    g_harness = argv[1];
    const llmsim::fuzz::SmokeHarness* h = llmsim::fuzz::find_smoke_harness(g_harness);
    if (h == nullptr) return usage(("unknown harness " + g_harness).c_str());
    long runs = -1;
    uint64_t seed = 1;
    size_t max_len = 8192;
    std::string dict;
    std::vector<std::filesystem::path> dirs;
    for (int i = 2; i < argc; ++i) {
        const std::string a = argv[i];
        const bool has_value = i + 1 < argc;
        if (a == "--runs" && has_value) {
            runs = std::strtol(argv[++i], nullptr, 10);
        } else if (a == "--seed" && has_value) {
            seed = std::strtoull(argv[++i], nullptr, 10);
        } else if (a == "--max-len" && has_value) {
            max_len = std::strtoull(argv[++i], nullptr, 10);
        } else if (a == "--dict" && has_value) {
            dict = argv[++i];
        } else {
            dirs.emplace_back(a);
        }
    }
    if (runs < 0) return usage("--runs N is required");
    // Harnesses write each input to a scratch file: in memory (tmpfs) that costs microseconds, on a busy disk
    // milliseconds. TMPDIR set by the caller wins.
    if (std::getenv("TMPDIR") == nullptr && ::access("/dev/shm", W_OK) == 0) ::setenv("TMPDIR", "/dev/shm", 1);
    std::vector<Bytes> corpus;
    for (const auto& d : dirs) {
        if (!std::filesystem::is_directory(d)) continue;
        std::vector<std::filesystem::path> files;
        for (const auto& e : std::filesystem::directory_iterator(d))
            if (e.is_regular_file()) files.push_back(e.path());
        std::sort(files.begin(), files.end());  // a fixed order: the mutations depend on it
        for (const auto& f : files)
            corpus.push_back(read_file(f));
    }
    if (corpus.empty()) corpus.emplace_back();  // the empty input is a seed too
    g_crash_path = (std::filesystem::current_path() / ("fuzz-smoke-crash-" + g_harness)).string();
    std::signal(SIGABRT, save_current);
    std::signal(SIGSEGV, save_current);
    std::signal(SIGFPE, save_current);
    if (h->init != nullptr) h->init(&argc, &argv);
    for (const Bytes& b : corpus) {
        g_current = b;
        h->run(g_current.data(), g_current.size());
    }
    Mutator m(seed, max_len, dict.empty() ? std::vector<std::string>() : read_dict(dict));
    for (long i = 0; i < runs; ++i) {
        g_current = m.mutate(corpus);
        h->run(g_current.data(), g_current.size());
    }
    std::printf("llmsim-fuzz-smoke: %s: %zu seeds and %ld mutated inputs, every one a result or a typed error\n",
                g_harness.c_str(), corpus.size(), runs);
    return 0;
}
