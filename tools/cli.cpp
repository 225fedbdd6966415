#include "tools/cli.hpp"

#include <CLI/CLI.hpp>
#include <iostream>

#include "common/error.hpp"
#include "tools/commands/commands.hpp"

namespace llmsim::tools {

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
        return 0;
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        // One line naming the flag and the problem; exit 2 like every other bad-usage path.
        std::cerr << "llmsim: error: " << e.what() << " (see llmsim --help)\n";
        return 2;
    } catch (const Error& e) {
        std::cerr << "llmsim: error: " << e.what() << "\n";
        return e.exit_code();
    } catch (const std::exception& e) {
        std::cerr << "llmsim: internal error: " << e.what() << "\n";
        return 1;
    }
}

}  // namespace llmsim::tools
