// `llmsim trace stats|derive|generate`: inspect a trace, derive built-in workload statistics from one, and write
// the workload `llmsim run` would simulate as a CSV (Vidur replay format, readable back with --trace).
#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>

#include "common/atomic_file.hpp"
#include "common/error.hpp"
#include "common/limits.hpp"
#include "tools/commands/commands.hpp"
#include "tools/typed_options.hpp"
#include "traces/derive_stats.hpp"
#include "traces/synthetic/arrivals.hpp"
#include "traces/trace_format.hpp"
#include "traces/workload_builder.hpp"

namespace llmsim::tools {
namespace {

std::string format_help() {
    std::string s = "trace format: auto";
    for (const auto& f : traces::trace_formats())
        s += "|" + std::string(f.name);
    return s;
}

void print_notes(const traces::Workload& w) {
    for (const auto& n : w.notes)
        std::cerr << "llmsim: note: " << n << "\n";
}

struct StatsArgs {
    std::string trace;
    std::string format = "auto";
    bool json = false;
};

struct DeriveArgs {
    std::string trace;
    std::string format = "auto";
    std::string name;
    std::string out;
    traces::DerivationSource source;
    int quantiles = 201;
};

struct GenerateArgs {
    traces::WorkloadOptions options;
    std::string qps;
    std::string out = "-";
};

void add_stats(CLI::App& trace) {
    auto args = std::make_shared<StatsArgs>();
    auto* cmd = trace.add_subcommand("stats",
                                     "print count, span, arrival rate, inter-arrival CV and length "
                                     "percentiles of a trace");
    cmd->add_option("--trace", args->trace, "trace file")->required()->check(non_empty_path());
    cmd->add_option("--trace-format", args->format, format_help())->capture_default_str();
    cmd->add_flag("--json", args->json, "print one JSON object instead of a table");
    cmd->callback([args] {
        const traces::Workload w = traces::read_trace(args->trace, args->format);
        const traces::TraceStats st = traces::compute_trace_stats(w);
        print_notes(w);
        if (args->json) {
            OrderedJson j;
            j["source"] = w.source;
            const OrderedJson stats = traces::trace_stats_json(st);
            for (const auto& [k, v] : stats.items())
                j[k] = v;
            std::cout << j.dump(2) << "\n";
        } else {
            std::cout << "source            " << w.source << "\n" << traces::format_trace_stats(st);
        }
    });
}

void add_derive(CLI::App& trace) {
    auto args = std::make_shared<DeriveArgs>();
    auto* cmd = trace.add_subcommand("derive",
                                     "derive built-in workload statistics (quantile tables, rate, CV, "
                                     "length correlation) from a trace into a JSON file");
    cmd->add_option("--trace", args->trace, "trace file")->required()->check(non_empty_path());
    cmd->add_option("--trace-format", args->format, format_help())->capture_default_str();
    cmd->add_option("--name", args->name, "workload name (read the file back with --lengths stats:FILE)")->required();
    cmd->add_option("--out", args->out, "output JSON file")->required()->check(non_empty_path());
    cmd->add_option("--description", args->source.description, "one-line description for `llmsim list traces`");
    cmd->add_option("--source-file", args->source.file, "upstream file name (default: the trace's file name)");
    cmd->add_option("--upstream", args->source.upstream, "upstream repository @ commit, path");
    cmd->add_option("--licence", args->source.licence, "licence as stated upstream");
    cmd->add_option("--citation", args->source.citation, "paper to cite");
    add_int_option(*cmd, "--quantiles", args->quantiles, "number of evenly spaced quantiles per length table",
                   {2, limits::kMaxTableRows})
        ->capture_default_str();
    cmd->callback([args] {
        if (args->name.empty() || args->name.find_first_of(" :/\\") != std::string::npos) {
            throw UsageError("--name", "bad name '" + args->name +
                                           "' (expected a non-empty id without spaces, "
                                           "':' or slashes, e.g. azure-conv-2023)");
        }
        check_output_file(args->out, "--out");
        traces::Workload w = traces::read_trace(args->trace, args->format);
        print_notes(w);
        traces::DerivationSource src = args->source;
        if (src.file.empty()) src.file = std::filesystem::path(args->trace).filename().string();
        src.format = args->format == "auto" ? traces::detect_trace_format(args->trace) : args->format;
        const OrderedJson j = traces::derive_workload_statistics(w, args->name, src, args->quantiles);
        write_file_atomic(args->out, traces::format_statistics_json(j), "--out");
        std::cerr << "llmsim: wrote " << args->out << " (" << w.requests.size()
                  << " requests; use it with --lengths stats:" << args->out << ")\n";
    });
}

void add_generate(CLI::App& trace) {
    auto args = std::make_shared<GenerateArgs>();
    auto* cmd = trace.add_subcommand("generate",
                                     "build the workload `llmsim run` would simulate and write it as a "
                                     "Vidur-format CSV (arrived_at, num_prefill_tokens, "
                                     "num_decode_tokens)");
    auto& o = args->options;
    cmd->add_option("--trace", o.trace_path, "trace file to replay or take lengths from")->check(non_empty_path());
    cmd->add_option("--trace-format", o.trace_format, format_help())->capture_default_str();
    add_int_option(*cmd, "--num-requests", o.num_requests, "number of requests", {1, limits::kMaxRequests});
    cmd->add_option("--qps", args->qps, "mean arrival rate in requests/s, or inf (all at t=0)");
    cmd->add_option("--arrival", o.arrival, "poisson | gamma:CV | uniform");
    cmd->add_option("--lengths", o.lengths, "fixed:IN:OUT | trace:PATH | builtin:NAME | stats:PATH");
    add_int_option(*cmd, "--seed", o.seed, "random seed", {0, std::numeric_limits<int64_t>::max()})
        ->capture_default_str();
    cmd->add_option("--out", args->out, "output CSV file, or - for stdout")
        ->capture_default_str()
        ->check(non_empty_path());
    cmd->callback([args] {
        traces::WorkloadOptions options = args->options;
        if (args->out != "-") check_output_file(args->out, "--out");
        if (!args->qps.empty()) options.qps = traces::parse_qps(args->qps);
        const traces::Workload w = traces::build_workload(options);
        print_notes(w);
        std::string csv = "arrived_at,num_prefill_tokens,num_decode_tokens\n";
        csv.reserve(csv.size() + w.requests.size() * 32);
        char line[96];
        for (const auto& r : w.requests) {
            // Integer formatting keeps the nanosecond arrival exact when the file is read back.
            std::snprintf(line, sizeof(line), "%lld.%09lld,%d,%d\n",
                          static_cast<long long>(r.arrival_ns / 1'000'000'000),
                          static_cast<long long>(r.arrival_ns % 1'000'000'000), r.prompt_tokens, r.output_tokens);
            csv += line;
        }
        if (args->out == "-") {
            write_stdout(csv);
        } else {
            write_file_atomic(args->out, csv, "--out");
            std::cerr << "llmsim: wrote " << args->out << " (" << w.requests.size() << " requests; " << w.source
                      << ")\n";
        }
    });
}

}  // namespace

void add_trace_command(CLI::App& root) {
    auto* trace = root.add_subcommand("trace",
                                      "inspect traces, derive built-in workload statistics, generate "
                                      "workloads");
    trace->require_subcommand(1);
    add_stats(*trace);
    add_derive(*trace);
    add_generate(*trace);
}

}  // namespace llmsim::tools
