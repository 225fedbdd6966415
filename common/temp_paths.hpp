#pragma once
// Temporary output paths that must not outlive the process: a SIGINT/SIGTERM/SIGHUP handler unlinks (files) or
// removes (empty directories) every registered path, newest first, then re-raises the signal with its default action,
// so a killed run leaves no `*.tmp.<pid>` behind.
#include <string>

namespace llmsim {

// Installs the handler once (the CLI's main does; libraries never install handlers).
void install_temp_cleanup_handlers();

// Registers `path` for removal on a signal while the guard lives; `directory` removes it with rmdir (after the files
// registered inside it, which are registered later and so removed first).
class TempPathGuard {
  public:
    explicit TempPathGuard(const std::string& path, bool directory = false);
    ~TempPathGuard();
    TempPathGuard(const TempPathGuard&) = delete;
    TempPathGuard& operator=(const TempPathGuard&) = delete;

  private:
    int slot_ = -1;
};

}  // namespace llmsim
