#pragma once
// Settings of `llmsim run`: one table of keys shared by the flags and the --config JSON file (same names; '-' or
// '_'). Resolution order: built-in defaults < config file < flags. The resolved settings are written next to the
// outputs (config.resolved.json), so any run can be repeated exactly.
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/bounded.hpp"
#include "common/json_io.hpp"

namespace CLI {
class App;
}

namespace llmsim::tools {

enum class SettingKind { text, integer, number, qps, flag };

struct SettingInfo {
    std::string key;  // canonical name, as the flag without dashes: "max-batch"
    SettingKind kind;
    std::string help;
    Json default_value = nullptr;  // the one statement of the default (null: none, or derived from other settings)
    IntRange ints{};               // accepted values of an integer setting (the message states them)
    RealRange reals{};             // accepted values of a number or qps setting
};

const std::vector<SettingInfo>& run_settings();
// The table row of a setting (a programming error if `key` is not in the table).
const SettingInfo& setting_info(const std::string& key);

class RunConfig {
  public:
    // Registers every setting as a flag on `cmd` (values kept as text until resolve()), less the keys in `except`
    // (a command that gives them its own meaning, as `llmsim plan` does with lists of --tp values).
    void add_flags(CLI::App& cmd, const std::set<std::string>& except = {});
    // Merges defaults, the config file (if --config was given) and the flags given; validates types.
    void resolve();
    // Resolves from a settings object alone (defaults < `settings`; no file, no flags), as `llmsim sweep` does for
    // each point; `where` is the object's JSON pointer for messages ("spec.json#/base"), keys are appended to it.
    void resolve_from_json(const Json& settings, const std::string& where);

    [[nodiscard]] bool has(const std::string& key) const;
    [[nodiscard]] std::string text(const std::string& key) const;
    [[nodiscard]] int64_t integer(const std::string& key) const;
    [[nodiscard]] double number(const std::string& key) const;
    [[nodiscard]] bool flag(const std::string& key) const;
    [[nodiscard]] std::optional<std::string> opt_text(const std::string& key) const;
    [[nodiscard]] std::optional<int64_t> opt_integer(const std::string& key) const;
    [[nodiscard]] std::optional<double> opt_number(const std::string& key) const;
    // Sets a derived default (e.g. the framework overhead implied by the scheduler) unless the user set it.
    void set_default(const std::string& key, const Json& value);
    [[nodiscard]] bool user_set(const std::string& key) const { return user_set_.count(key) > 0; }
    [[nodiscard]] OrderedJson resolved_json() const;
    // Only the settings the user gave (config file or flags), in the settings table's order: resolving them again
    // with resolve_from_json repeats this configuration with every default still free to be derived.
    [[nodiscard]] OrderedJson user_json() const;
    // Where a key's value came from, for messages: "--tp" or "cfg.json#/tp".
    [[nodiscard]] std::string where(const std::string& key) const;

  private:
    void set_from_text(const std::string& key, const std::string& text, const std::string& where);
    void set_defaults();
    void apply_json(const Json& settings, const std::string& where);
    std::map<std::string, std::string> flag_text_;  // raw flag values
    std::map<std::string, bool> flag_bools_;
    std::string config_path_;
    std::map<std::string, Json> values_;
    std::map<std::string, std::string> where_;
    std::map<std::string, bool> user_set_;
};

}  // namespace llmsim::tools
