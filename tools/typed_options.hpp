#pragma once
// Numeric command-line options through the one input layer (common/bounded.hpp): CLI11's own conversions wrap
// negative values into unsigned types, saturate on overflow and accept nan/inf, so no command uses them. Each option
// shows its type (INT, FLOAT) and its current value as the default in --help.
#include <CLI/CLI.hpp>
#include <optional>
#include <string>
#include <type_traits>

#include "common/bounded.hpp"
#include "common/strings.hpp"

namespace llmsim::tools {

// "--target-qps,--qps" -> "--target-qps": the spelling messages name.
std::string option_label(const std::string& names);

// An INT option whose value, parsed in `range`, goes to `store` (both add_int_option forms).
template <class T, class Store>
CLI::Option* add_parsed_int_option(CLI::App& cmd, const std::string& names, const std::string& help, IntRange range,
                                   Store store) {
    auto* opt = cmd.add_option_function<std::string>(
        names,
        [store, label = option_label(names), range](const std::string& text) {
            store(static_cast<T>(parse_int_in(text, label, range)));
        },
        help);
    opt->type_name("INT");
    return opt;
}

template <class T>
CLI::Option* add_int_option(CLI::App& cmd, const std::string& names, T& target, const std::string& help,
                            IntRange range) {
    static_assert(std::is_integral_v<T> && !std::is_same_v<T, bool>);
    LLMSIM_ASSERT(range.min >= static_cast<int64_t>(std::numeric_limits<T>::min()) &&
                      static_cast<uint64_t>(range.max) <= static_cast<uint64_t>(std::numeric_limits<T>::max()),
                  "range of " + names + " exceeds its type");
    auto* opt = add_parsed_int_option<T>(cmd, names, help, range, [&target](T value) { target = value; });
    opt->default_function([&target] { return std::to_string(target); });
    return opt;
}

// An optional integer: unset unless the flag is given.
template <class T>
CLI::Option* add_int_option(CLI::App& cmd, const std::string& names, std::optional<T>& target, const std::string& help,
                            IntRange range) {
    return add_parsed_int_option<T>(cmd, names, help, range, [&target](T value) { target = value; });
}

// Refuses an empty value ("--out ''" would otherwise mean "no output" without a word).
const CLI::Validator& non_empty_path();

CLI::Option* add_real_option(CLI::App& cmd, const std::string& names, double& target, const std::string& help,
                             RealRange range);

}  // namespace llmsim::tools
