#include "common/json_io.hpp"

#include <cmath>
#include <fstream>
#include <sstream>

#include "common/bounded.hpp"
#include "common/error.hpp"
#include "common/nearest.hpp"

namespace llmsim {
namespace {

std::string line_col(const std::string& text, size_t byte_offset) {
    size_t line = 1;
    size_t col = 1;
    for (size_t i = 0; i < byte_offset && i < text.size(); ++i) {
        if (text[i] == '\n') {
            ++line;
            col = 1;
        } else {
            ++col;
        }
    }
    return std::to_string(line) + ":" + std::to_string(col);
}

std::string type_name(const Json& j) {
    return j.type_name();
}

}  // namespace

Json parse_json_text(const std::string& text, const std::string& name) {
    try {
        return Json::parse(text);
    } catch (const nlohmann::json::parse_error& e) {
        // e.byte is 1-based position just past the offending character.
        const size_t at = e.byte > 0 ? e.byte - 1 : 0;
        std::string what = e.what();
        // Drop nlohmann's "[json.exception.parse_error.101] parse error at line 1, column 2: " prefix.
        if (auto p = what.find(": "); p != std::string::npos) what = what.substr(p + 2);
        throw InputError(name + ":" + line_col(text, at), "invalid JSON: " + what);
    } catch (const nlohmann::json::out_of_range& e) {
        // A number beyond double's range ("1e400"): nlohmann quotes the token but not its place, so look for it.
        const std::string what = e.what();
        const size_t open = what.find('\'');
        const size_t close = what.rfind('\'');
        std::string where = name;
        std::string token;
        if (open != std::string::npos && close > open) {
            token = what.substr(open + 1, close - open - 1);
            if (const size_t at = text.find(token); at != std::string::npos) where += ":" + line_col(text, at);
        }
        throw InputError(where,
                         "number '" + token.substr(0, 40) + "' is out of range (expected a magnitude below 1.8e308)");
    }
}

Json load_json_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InputError(path, "cannot open file for reading");
    std::ostringstream ss;
    ss << in.rdbuf();
    return parse_json_text(ss.str(), path);
}

JsonObjectReader::JsonObjectReader(const Json& object, std::string where) : object_(object), where_(std::move(where)) {
    if (!object_.is_object()) throw InputError(where_, "expected a JSON object, got " + type_name(object_));
}

std::string JsonObjectReader::where(const std::string& key) const {
    const bool has_pointer = where_.find('#') != std::string::npos;
    return where_ + (has_pointer ? "/" : "#/") + key;
}

bool JsonObjectReader::has(const std::string& key) {
    known_.insert(key);
    return object_.contains(key) && !object_.at(key).is_null();
}

const Json* JsonObjectReader::find(const std::string& key) {
    known_.insert(key);
    auto it = object_.find(key);
    if (it == object_.end() || it->is_null()) return nullptr;
    return &*it;
}

const Json& JsonObjectReader::get(const std::string& key) {
    const Json* j = find(key);
    if (j == nullptr) throw InputError(where(key), "missing required key '" + key + "'");
    return *j;
}

std::string JsonObjectReader::get_string(const std::string& key) {
    const Json& j = get(key);
    if (!j.is_string())
        throw InputError(where(key), "expected a string, got " + type_name(j) + " " + clip_for_message(j.dump()));
    return j.get<std::string>();
}

std::optional<std::string> JsonObjectReader::opt_string(const std::string& key) {
    if (!has(key)) return std::nullopt;
    return get_string(key);
}

double JsonObjectReader::get_number(const std::string& key) {
    const Json& j = get(key);
    if (!j.is_number())
        throw InputError(where(key), "expected a number, got " + type_name(j) + " " + clip_for_message(j.dump()));
    return j.get<double>();
}

std::optional<double> JsonObjectReader::opt_number(const std::string& key) {
    if (!has(key)) return std::nullopt;
    return get_number(key);
}

int64_t JsonObjectReader::get_int(const std::string& key) {
    const Json& j = get(key);
    // Through the one input layer: an unsigned 2^64-1 or a float 1e300 is refused, never wrapped or truncated.
    if (j.is_number_integer() || j.is_number_float()) {
        return parse_int_in(
            j.is_number_float() && std::floor(j.get<double>()) == j.get<double>() && std::fabs(j.get<double>()) < 9.2e18
                ? std::to_string(static_cast<int64_t>(j.get<double>()))
                : j.dump(),
            where(key), {}, ErrorKind::input);
    }
    throw InputError(where(key), "expected an integer, got " + type_name(j) + " " + clip_for_message(j.dump()));
}

std::optional<int64_t> JsonObjectReader::opt_int(const std::string& key) {
    if (!has(key)) return std::nullopt;
    return get_int(key);
}

std::optional<bool> JsonObjectReader::opt_bool(const std::string& key) {
    if (!has(key)) return std::nullopt;
    const Json& j = get(key);
    if (!j.is_boolean()) throw InputError(where(key), "expected true or false, got " + j.dump());
    return j.get<bool>();
}

void JsonObjectReader::allow(const std::vector<std::string>& keys) {
    known_.insert(keys.begin(), keys.end());
}

void JsonObjectReader::finish() const {
    for (const auto& [key, value] : object_.items()) {
        if (known_.count(key) == 0) {
            std::vector<std::string> valid(known_.begin(), known_.end());
            throw InputError(where(key), unknown_name_message("key", key, valid));
        }
    }
}

}  // namespace llmsim
