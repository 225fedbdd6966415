#pragma once
// One file per subcommand; each adds itself to the root CLI11 app. Callbacks throw llmsim::Error on bad input.
namespace CLI {
class App;
}

namespace llmsim::tools {

void add_run_command(CLI::App& root);
void add_cost_command(CLI::App& root);
void add_list_command(CLI::App& root);
void add_trace_command(CLI::App& root);
void add_calibrate_command(CLI::App& root);
void add_train_command(CLI::App& root);
void add_bench_command(CLI::App& root);
void add_sweep_command(CLI::App& root);
void add_query_command(CLI::App& root);
void add_plan_command(CLI::App& root);
void add_reproduce_command(CLI::App& root);

}  // namespace llmsim::tools
