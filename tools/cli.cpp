#include "tools/cli.hpp"

#include <CLI/CLI.hpp>
#include <iostream>
#include <utility>
#include <vector>

#include "common/bounded.hpp"
#include "common/error.hpp"
#include "common/nearest.hpp"
#include "common/strings.hpp"
#include "tools/commands/commands.hpp"

namespace llmsim::tools {
namespace {

constexpr size_t kMaxMessageChars = 1000;

// The deepest subcommand given ("llmsim trace generate" -> generate) and its spelling.
std::pair<CLI::App*, std::string> deepest_command(CLI::App& app) {
    CLI::App* cur = &app;
    std::string path = "llmsim";
    while (!cur->get_subcommands().empty()) {
        cur = cur->get_subcommands().front();
        path += " " + cur->get_name();
    }
    return {cur, path};
}

// CLI11's messages, made specific: an unknown flag or command gets the nearest valid one, and a command given
// without its required subcommand or argument shows its own help (on stderr; stdout stays empty) before the line.
std::string parse_error_message(CLI::App& app, const CLI::ParseError& e, const std::string& last_arg) {
    const auto [cur, path] = deepest_command(app);
    const std::vector<std::string> extras = app.remaining(true);
    std::string unknown;
    for (const auto& x : extras) {
        if (unknown.empty() || (x.rfind("-", 0) == 0 && unknown.rfind("-", 0) != 0)) unknown = x;
    }
    if (!unknown.empty() && unknown.rfind("-", 0) == 0) {
        std::vector<std::string> flags;
        for (const CLI::Option* o : cur->get_options()) {
            for (const auto& n : o->get_lnames())
                flags.push_back("--" + n);
        }
        const std::string flag = unknown.substr(0, unknown.find('='));
        const std::string near = nearest_name(flag, flags);
        return path + ": unknown option '" + clip_for_message(flag) + "'" +
               (near.empty() ? "" : "; did you mean '" + near + "'?") + " (see " + path + " --help)";
    }
    std::vector<std::string> commands;
    for (const CLI::App* sub : cur->get_subcommands({}))
        commands.push_back(sub->get_name());
    if (!unknown.empty() && !commands.empty()) {
        return path + ": " + unknown_name_message("command", clip_for_message(unknown), commands);
    }
    if (!unknown.empty())
        return path + ": unexpected argument '" + clip_for_message(unknown) + "' (see " + path + " --help)";
    const bool bare = cur == &app ? last_arg.empty() : last_arg == cur->get_name();
    if (dynamic_cast<const CLI::RequiredError*>(&e) != nullptr && bare) {
        std::cerr << cur->help();
        if (!commands.empty()) return path + ": a command is required (one of: " + join(commands, ", ") + ")";
    }
    return path + ": " + e.what() + " (see " + path + " --help)";
}

}  // namespace

int main_entry(int argc, char** argv) {
    CLI::App app{"llmsim: discrete-event performance simulator and capacity planner for LLM serving and training"};
    app.require_subcommand(1);
    app.set_version_flag("--version", "llmsim 0.1.0");
    add_run_command(app);
    add_cost_command(app);
    add_list_command(app);
    add_trace_command(app);
    add_calibrate_command(app);
    add_train_command(app);
    add_bench_command(app);
    add_sweep_command(app);
    add_query_command(app);
    add_plan_command(app);
    add_reproduce_command(app);
    add_report_command(app);
    add_disagg_search_command(app);
    try {
        app.parse(argc, argv);
        // Output that never arrived (a closed pipe, a full device) is a failed run, not a success.
        std::cout.flush();
        if (!std::cout) throw InputError("<stdout>", "write failed (closed pipe or full device?)");
        return 0;
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        // One line naming the flag and the problem; exit 2 like every other bad-usage path.
        const std::string message = parse_error_message(app, e, argc > 1 ? argv[argc - 1] : "");
        std::cerr << "llmsim: error: " << clip_for_message(message, kMaxMessageChars) << "\n";
        return 2;
    } catch (const Error& e) {
        // The last guard of "one short line": values are clipped where they are echoed, this bounds the rest.
        std::cerr << "llmsim: error: " << clip_for_message(e.what(), kMaxMessageChars) << "\n";
        return e.exit_code();
    } catch (const std::exception& e) {
        std::cerr << "llmsim: internal error: " << clip_for_message(e.what(), kMaxMessageChars) << "\n";
        return 1;
    }
}

}  // namespace llmsim::tools
