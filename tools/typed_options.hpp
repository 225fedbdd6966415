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

template <class T>
CLI::Option* add_int_option(CLI::App& cmd, const std::string& names, T& target, const std::string& help,
                            IntRange range) {
    static_assert(std::is_integral_v<T> && !std::is_same_v<T, bool>);
    LLMSIM_ASSERT(range.min >= static_cast<int64_t>(std::numeric_limits<T>::min()) &&
                      static_cast<uint64_t>(range.max) <= static_cast<uint64_t>(std::numeric_limits<T>::max()),
                  "range of " + names + " exceeds its type");
    auto* opt = cmd.add_option_function<std::string>(
        names,
        [&target, label = option_label(names), range](const std::string& text) {
            target = static_cast<T>(parse_int_in(text, label, range));
        },
        help);
    opt->type_name("INT");
    opt->default_function([&target] { return std::to_string(target); });
    return opt;
}

// An optional integer: unset unless the flag is given.
template <class T>
CLI::Option* add_int_option(CLI::App& cmd, const std::string& names, std::optional<T>& target, const std::string& help,
                            IntRange range) {
    auto* opt = cmd.add_option_function<std::string>(
        names,
        [&target, label = option_label(names), range](const std::string& text) {
            target = static_cast<T>(parse_int_in(text, label, range));
        },
        help);
    opt->type_name("INT");
    return opt;
}

// Refuses an empty value ("--out ''" would otherwise mean "no output" without a word).
const CLI::Validator& non_empty_path();

CLI::Option* add_real_option(CLI::App& cmd, const std::string& names, double& target, const std::string& help,
                             RealRange range);

}  // namespace llmsim::tools
