#include "common/temp_paths.hpp"

#include <unistd.h>

#include <array>
#include <atomic>
#include <csignal>
#include <cstring>
#include <mutex>

namespace llmsim {
namespace {

// Fixed storage: the handler may only use async-signal-safe calls (unlink, rmdir, signal, raise), so no allocation
// and no locks there. A slot is published by setting `used` after its path is written.
constexpr int kSlots = 64;
constexpr size_t kMaxPath = 4096;
struct Slot {
    std::array<char, kMaxPath> path{};
    bool directory = false;
    std::atomic<bool> used{false};
};
std::array<Slot, kSlots> g_slots;
std::mutex g_register_mutex;  // registration only (never taken by the handler)

extern "C" void remove_temp_paths_and_reraise(int sig) {
    for (int i = kSlots - 1; i >= 0; --i) {
        Slot& s = g_slots[static_cast<size_t>(i)];
        if (!s.used.load()) continue;
        if (s.directory) {
            ::rmdir(s.path.data());
        } else {
            ::unlink(s.path.data());
        }
    }
    std::signal(sig, SIG_DFL);
    std::raise(sig);
}

}  // namespace

void install_temp_cleanup_handlers() {
    for (int sig : {SIGINT, SIGTERM, SIGHUP}) {
        struct sigaction sa {};
        sa.sa_handler = remove_temp_paths_and_reraise;
        sigemptyset(&sa.sa_mask);
        // Block the other termination signals while cleaning up, so the handler runs once.
        sigaddset(&sa.sa_mask, SIGINT);
        sigaddset(&sa.sa_mask, SIGTERM);
        sigaddset(&sa.sa_mask, SIGHUP);
        sa.sa_flags = static_cast<int>(SA_RESETHAND);
        ::sigaction(sig, &sa, nullptr);
    }
}

TempPathGuard::TempPathGuard(const std::string& path, bool directory) {
    if (path.size() >= kMaxPath) return;  // cannot be recorded; the normal path still removes it
    const std::lock_guard<std::mutex> lock(g_register_mutex);
    // Newest in the highest free slot, so the handler (which walks down) removes files before their directory.
    for (int i = 0; i < kSlots; ++i) {
        Slot& s = g_slots[static_cast<size_t>(i)];
        if (s.used.load()) continue;
        bool later_used = false;
        for (int j = i + 1; j < kSlots; ++j)
            later_used = later_used || g_slots[static_cast<size_t>(j)].used.load();
        if (later_used) continue;
        std::memcpy(s.path.data(), path.c_str(), path.size() + 1);
        s.directory = directory;
        s.used.store(true);
        slot_ = i;
        return;
    }
}

TempPathGuard::~TempPathGuard() {
    if (slot_ < 0) return;
    const std::lock_guard<std::mutex> lock(g_register_mutex);
    g_slots[static_cast<size_t>(slot_)].used.store(false);
}

}  // namespace llmsim
