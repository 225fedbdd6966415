// llmsim bench: measure this machine. `kernels` times real kernels (the calibration input); `serve` runs a real
// batched transformer behind the simulator's scheduler so `llmsim run --hardware PROFILE.json` can be checked
// against it.
#include <CLI/CLI.hpp>
#include <memory>

#include "tools/bench/kernels_command.hpp"
#include "tools/bench/serve/serve_command.hpp"
#include "tools/commands/commands.hpp"
#include "tools/typed_options.hpp"

namespace llmsim::tools {
namespace {

void add_kernels(CLI::App& bench) {
    auto a = std::make_shared<bench::KernelsArgs>();
    CLI::App* cmd = bench.add_subcommand(
        "kernels",
        "time real kernels (GEMMs at transformer shapes, attention, norms, activations, memory streaming) "
        "and write a measurement CSV for llmsim calibrate");
    cmd->add_option("--out", a->out, "measurement CSV to write (columns: docs/calibration.md)")
        ->required()
        ->check(non_empty_path());
    cmd->add_option("--backend", a->backend, "cpu (this host, Eigen) | cuda (needs the CUDA plugin and a GPU)");
    cmd->add_option("--threads", a->threads, "CPU threads (default: all hardware threads; use what bench serve uses)");
    cmd->add_flag("--quick", a->quick, "fewer shapes and shorter timing (under a minute on 2 cores)");
    cmd->add_option("--model", a->models,
                    "model whose layer shapes to measure; repeatable (default: llama-tiny-15m and llama-tiny-110m on "
                    "cpu, llama-2-7b and llama-3-8b on cuda)");
    cmd->add_option("--dtypes", a->dtypes,
                    "GEMM dtypes, first = model dtype (cpu: fp32,bf16; cuda: fp16,bf16,fp32,tf32)");
    cmd->add_option("--device", a->device, "label for the device column (default: host, or the GPU's name)");
    cmd->add_option("--cuda-device", a->cuda_device, "CUDA device index");
    cmd->add_option("--min-time", a->min_time_s, "seconds of repeats per case (default 0.01 with --quick, else 0.05)");
    cmd->add_flag("--no-square", a->no_square, "skip the square-GEMM sweep");
    cmd->add_flag("--no-stream", a->no_stream, "skip the memory-streaming sweep");
    cmd->add_flag("--quiet", a->quiet, "no progress or summary output");
    cmd->callback([a]() { bench::run_kernels_command(*a); });
}

void add_serve(CLI::App& bench) {
    auto a = std::make_shared<bench::ServeArgs>();
    CLI::App* cmd = bench.add_subcommand(
        "serve",
        "serve a workload for real: a batched fp32 transformer with random weights on this CPU, scheduled by "
        "the simulator's policies; same flags and summary keys as llmsim run");
    // Only what a real single-CPU serve supports is a flag (a config file giving the others is refused by name).
    a->cfg.add_flags(*cmd, {"tp", "pp", "ep", "replicas", "chrome-trace"});
    add_int_option(*cmd, "--threads", a->threads, "CPU threads (default 0: all hardware threads)", {0, 4096});
    cmd->add_flag("--quiet", a->quiet, "no progress bar on stderr (shown only on a terminal, after 2 s)");
    cmd->callback([a]() { bench::run_serve_command(*a); });
}

}  // namespace

void add_bench_command(CLI::App& root) {
    CLI::App* bench = root.add_subcommand("bench",
                                          "measure this machine: real kernels (calibration input) and a "
                                          "real serving loop to check predictions against");
    bench->require_subcommand(1);
    add_kernels(*bench);
    add_serve(*bench);
}

}  // namespace llmsim::tools
