#include "tools/json_args.hpp"

#include <CLI/CLI.hpp>
#include <algorithm>

#include "common/error.hpp"
#include "common/nearest.hpp"
#include "common/strings.hpp"

namespace llmsim::tools {
namespace {

// The option's long name without dashes ("prefill-tokens"); empty for positionals and short-only options.
std::string key_of(const CLI::Option& opt) {
    return opt.get_lnames().empty() ? std::string() : opt.get_lnames().front();
}

}  // namespace

std::vector<std::string> args_from_json(const CLI::App& cmd, const Json& settings, const std::string& where,
                                        const std::set<std::string>& except) {
    if (!settings.is_object()) {
        throw InputError(where.substr(0, where.find('#')), "expected an object of settings, got " + settings.dump());
    }
    std::vector<std::string> valid;
    for (const CLI::Option* opt : cmd.get_options()) {
        const std::string key = key_of(*opt);
        if (!key.empty() && key != "help" && except.count(key) == 0) valid.push_back(key);
    }
    std::vector<std::string> args;
    for (const auto& [raw_key, value] : settings.items()) {
        std::string key = raw_key;
        std::replace(key.begin(), key.end(), '_', '-');
        const std::string w = where + "/" + raw_key;
        if (std::find(valid.begin(), valid.end(), key) == valid.end())
            throw InputError(w, unknown_name_message("setting", raw_key, valid));
        if (value.is_null()) continue;
        const CLI::Option* opt = cmd.get_option("--" + key);
        if (opt->get_expected_max() == 0) {  // a flag: true or false
            if (!value.is_boolean()) throw InputError(w, "expected true or false, got " + value.dump());
            if (value.get<bool>()) args.push_back("--" + key);
            continue;
        }
        std::string text;
        if (value.is_string()) {
            text = value.get<std::string>();
        } else if (value.is_number_integer()) {
            text = value.dump();
        } else if (value.is_number()) {
            text = format_double(value.get<double>(), 17);
        } else {
            throw InputError(w, "expected a string or a number, got " + value.dump());
        }
        // "--key=value" keeps a value that starts with '-' from being read as another option.
        args.push_back("--" + key + "=" + text);
    }
    return args;
}

void parse_json_args(CLI::App& cmd, const Json& settings, const std::string& where,
                     const std::set<std::string>& except) {
    std::vector<std::string> args = args_from_json(cmd, settings, where, except);
    std::reverse(args.begin(), args.end());  // CLI11 consumes the vector from the back
    try {
        cmd.parse(args);
    } catch (const CLI::ParseError& e) {
        throw UsageError(where.substr(0, where.find('#')), e.what());
    }
}

}  // namespace llmsim::tools
