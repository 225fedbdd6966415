// llmsim list: ids with one-line descriptions.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <iostream>

#include "common/error.hpp"
#include "common/nearest.hpp"
#include "common/units.hpp"
#include "hardware/catalogue.hpp"
#include "models/presets.hpp"
#include "policies/engine/engine_preset.hpp"
#include "policies/kv/compression/kv_policy.hpp"
#include "policies/preemption/preemption.hpp"
#include "policies/router/router.hpp"
#include "policies/scheduler/scheduler_registry.hpp"
#include "policies/specdec/specdec.hpp"
#include "sim/cost/framework_overhead.hpp"
#include "tools/commands/commands.hpp"
#include "traces/builtin_workloads.hpp"
#include "traces/trace_format.hpp"

namespace llmsim::tools {
namespace {

void print_row(const std::string& id, const std::string& description) {
    std::cout << fmt::format("{:<24} {}\n", id, description);
}

std::string host_summary(const sim::FrameworkOverhead& h) {
    return fmt::format("{:g} us/step + {:g} us/seq + {:g} us/token{}", h.per_iteration_ns * 1e-3, h.per_seq_ns * 1e-3,
                       h.per_token_ns * 1e-3, h.overlapped ? " (overlapped)" : " (serial)");
}

// A registry's rows: description, then the parameters (NAME:k=v) with defaults and the run settings it reads.
template <typename Info>
void print_registry(const Registry<Info>& registry) {
    for (const auto& row : registry.rows()) {
        print_row(row.name, row.description);
        for (const auto& p : row.params)
            print_row("", fmt::format("  {}={} : {}", p.name, p.default_value, p.help));
        if (!row.settings.empty()) {
            std::string flags;
            for (const auto& s : row.settings)
                flags += (flags.empty() ? "--" : ", --") + s;
            print_row("", "  reads " + flags);
        }
    }
}

void list(const std::string& what) {
    if (what == "models") {
        for (const auto& p : models::model_presets()) {
            const auto& s = p.spec;
            const std::string kv = s.mla.enabled() ? fmt::format("MLA latent {}", s.mla.latent_dim())
                                                   : fmt::format("{} KV", s.num_kv_heads);
            const std::string active =
                s.moe.enabled() ? fmt::format(", {:.2f}B active", static_cast<double>(s.active_param_count()) * 1e-9)
                                : std::string();
            print_row(p.id, fmt::format("{} ({:.2f}B params{}, {} layers, hidden {}, {} heads / {})", p.description,
                                        static_cast<double>(s.param_count()) * 1e-9, active, s.num_layers,
                                        s.hidden_size, s.num_heads, kv));
        }
    } else if (what == "hardware") {
        for (const auto& d : hardware::device_presets()) {
            std::string aliases;
            for (const auto& a : d.aliases)
                aliases += (aliases.empty() ? " (alias " : ", ") + a;
            if (!aliases.empty()) aliases += ")";
            // One consistent figure across devices: dense 16-bit tensor math (bf16, else fp16), with the dtype named.
            DType shown = d.peak_flops_per_s.begin()->first;
            for (DType t : {DType::fp16, DType::bf16}) {
                if (d.peak_flops_per_s.count(t)) shown = t;
            }
            const double peak = d.peak_flops_per_s.at(shown);
            print_row(d.id, fmt::format("{}{}: {} {}, {} at {}, {}{}", d.name, aliases, units::format_flops_per_s(peak),
                                        dtype_name(shown), units::format_bytes(d.memory_bytes),
                                        units::format_bytes_per_s(d.memory_bandwidth_bytes_per_s),
                                        d.calibration ? "calibrated: " : "uncalibrated",
                                        d.calibration ? d.calibration->source : ""));
        }
    } else if (what == "schedulers") {
        print_registry(policies::scheduler_registry());
    } else if (what == "routers") {
        print_registry(policies::router_registry());
    } else if (what == "preemption") {
        print_registry(policies::preemption_registry());
    } else if (what == "spec-decode") {
        print_registry(policies::spec_decode_registry());
    } else if (what == "kv-policies") {
        print_registry(policies::kv_policy_registry());
    } else if (what == "traces") {
        std::cout << "trace formats (--trace-format):\n";
        for (const auto& f : traces::list_trace_formats())
            print_row("  " + f.name, f.description);
        std::cout << "built-in workloads (--lengths builtin:NAME):\n";
        for (const auto& w : traces::list_builtin_workloads())
            print_row("  " + w.name, w.description);
    } else if (what == "engines") {
        for (const auto& e : policies::engine_presets()) {
            std::string aliases;
            for (const auto& a : e.aliases)
                aliases += (aliases.empty() ? " (alias " : ", ") + a;
            if (!aliases.empty()) aliases += ")";
            print_row(e.id, e.name + aliases + ": " + e.description);
            print_row("", "  scheduler " + e.scheduler + ", host " + host_summary(e.host) + ", prefix caching " +
                              (e.prefix_caching ? "on" : "off") + ", block " + std::to_string(e.block_size));
            print_row("", "  source: " + e.source);
        }
    } else if (what == "overheads") {
        for (const auto& o : sim::framework_overhead_presets())
            print_row(o.name, o.description);
    } else {
        throw UsageError("llmsim list",
                         unknown_name_message("list", what,
                                              {"models", "hardware", "engines", "schedulers", "routers", "preemption",
                                               "spec-decode", "kv-policies", "traces", "overheads"}));
    }
}

}  // namespace

void add_list_command(CLI::App& root) {
    auto what = std::make_shared<std::string>();
    CLI::App* cmd =
        root.add_subcommand("list",
                            "list models | hardware | engines | schedulers | routers | preemption | spec-decode | "
                            "kv-policies | traces | overheads");
    cmd->add_option(
           "what", *what,
           "models | hardware | engines | schedulers | routers | preemption | spec-decode | kv-policies | traces "
           "| overheads")
        ->required();
    cmd->callback([what]() { list(*what); });
}

}  // namespace llmsim::tools
