#pragma once
// JSON loading with positioned errors, and a strict object reader that rejects unknown keys.
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace llmsim {

using Json = nlohmann::json;
using OrderedJson = nlohmann::ordered_json;

// Parses a file; a syntax error becomes InputError("path:line:col", ...).
Json load_json_file(const std::string& path);
// Parses text; `name` is used as the file name in messages.
Json parse_json_text(const std::string& text, const std::string& name);

// Reads an object field by field. Every accessor records the key; finish() throws on any key never asked for,
// listing the valid keys and the nearest match. `where` is a file name plus JSON pointer ("cfg.json#/tp").
class JsonObjectReader {
  public:
    JsonObjectReader(const Json& object, std::string where);

    [[nodiscard]] bool has(const std::string& key);
    [[nodiscard]] const Json& get(const std::string& key);   // required
    [[nodiscard]] const Json* find(const std::string& key);  // optional
    [[nodiscard]] std::string get_string(const std::string& key);
    [[nodiscard]] std::optional<std::string> opt_string(const std::string& key);
    [[nodiscard]] double get_number(const std::string& key);
    [[nodiscard]] std::optional<double> opt_number(const std::string& key);
    [[nodiscard]] int64_t get_int(const std::string& key);
    [[nodiscard]] std::optional<int64_t> opt_int(const std::string& key);
    [[nodiscard]] std::optional<bool> opt_bool(const std::string& key);
    // Keys that are accepted but whose value is ignored (e.g. HF config noise we do not model).
    void allow(const std::vector<std::string>& keys);
    void finish() const;

    [[nodiscard]] std::string where(const std::string& key) const;
    [[nodiscard]] const std::string& where() const { return where_; }

  private:
    const Json& object_;
    std::string where_;
    std::set<std::string> known_;
};

}  // namespace llmsim
