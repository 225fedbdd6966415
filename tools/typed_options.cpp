#include "tools/typed_options.hpp"

namespace llmsim::tools {

std::string option_label(const std::string& names) {
    return names.substr(0, names.find(','));
}

const CLI::Validator& non_empty_path() {
    static const CLI::Validator v(
        [](std::string& text) { return text.empty() ? std::string("expected a path, got ''") : std::string(); },
        "PATH");
    return v;
}

CLI::Option* add_real_option(CLI::App& cmd, const std::string& names, double& target, const std::string& help,
                             RealRange range) {
    auto* opt = cmd.add_option_function<std::string>(
        names,
        [&target, label = option_label(names), range](const std::string& text) {
            target = parse_real_in(text, label, range);
        },
        help);
    opt->type_name("FLOAT");
    opt->default_function([&target] { return format_double(target); });
    return opt;
}

}  // namespace llmsim::tools
