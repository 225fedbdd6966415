#pragma once
// A settings object read as a subcommand's command line: {"prefill_tokens": 2048, "json": true} parses as
// `--prefill-tokens 2048 --json` through the command's own CLI11 options, so the Python module and the command line
// share one option table, one set of defaults and one set of messages.
#include <set>
#include <string>
#include <vector>

#include "common/json_io.hpp"

namespace CLI {
class App;
}

namespace llmsim::tools {

// The argument list for `settings` (keys: option names without dashes, '_' or '-'; values: strings or numbers,
// true/false for flags, null for "not given"). Unknown keys, keys in `except` and values of the wrong JSON type throw
// InputError naming `where` + "/" + key (`where` is a name and '#', a JSON pointer's base: "config#").
std::vector<std::string> args_from_json(const CLI::App& cmd, const Json& settings, const std::string& where,
                                        const std::set<std::string>& except = {});

// Parses `settings` into `cmd`'s options (running its callback, if any); CLI11's parse errors become UsageError
// with CLI11's message.
void parse_json_args(CLI::App& cmd, const Json& settings, const std::string& where,
                     const std::set<std::string>& except = {});

}  // namespace llmsim::tools
