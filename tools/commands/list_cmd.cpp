// llmsim list: ids with one-line descriptions; --json prints the same rows as objects.
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
#include "tools/commands/json_api.hpp"
#include "traces/builtin_workloads.hpp"
#include "traces/trace_format.hpp"

namespace llmsim::tools {
namespace {

const std::vector<std::string> kListKinds = {"models",     "hardware",    "engines",     "schedulers", "routers",
                                             "preemption", "spec-decode", "kv-policies", "traces",     "overheads"};

// One row of a list: the JSON object (`id`, `description` and structured fields) and the extra text lines the
// table prints under it. The table and --json are both made from these rows.
struct ListRow {
    OrderedJson json;
    std::vector<std::string> detail_lines;
};

ListRow row(const std::string& id, const std::string& description) {
    ListRow r;
    r.json["id"] = id;
    r.json["description"] = description;
    return r;
}

std::string host_summary(const sim::FrameworkOverhead& h) {
    return fmt::format("{:g} us/step + {:g} us/seq + {:g} us/token{}", h.per_iteration_ns * 1e-3, h.per_seq_ns * 1e-3,
                       h.per_token_ns * 1e-3, h.overlapped ? " (overlapped)" : " (serial)");
}

std::string aliases_text(const std::vector<std::string>& aliases) {
    std::string text;
    for (const auto& a : aliases)
        text += (text.empty() ? " (alias " : ", ") + a;
    return text.empty() ? text : text + ")";
}

// A registry's rows: description, then the parameters (NAME:k=v) with defaults and the run settings it reads.
template <typename Info>
void registry_rows(const Registry<Info>& registry, std::vector<ListRow>& rows) {
    for (const auto& info : registry.rows()) {
        ListRow r = row(info.name, info.description);
        r.json["params"] = OrderedJson::array();
        for (const auto& p : info.params) {
            r.json["params"].push_back({{"name", p.name}, {"default", p.default_value}, {"help", p.help}});
            r.detail_lines.push_back(fmt::format("  {}={} : {}", p.name, p.default_value, p.help));
        }
        r.json["reads"] = info.settings;
        if (!info.settings.empty()) {
            std::string flags;
            for (const auto& s : info.settings)
                flags += (flags.empty() ? "--" : ", --") + s;
            r.detail_lines.push_back("  reads " + flags);
        }
        rows.push_back(std::move(r));
    }
}

std::vector<ListRow> list_rows(const std::string& what) {
    std::vector<ListRow> rows;
    if (what == "models") {
        for (const auto& p : models::model_presets()) {
            const auto& s = p.spec;
            const std::string kv = s.mla.enabled() ? fmt::format("MLA latent {}", s.mla.latent_dim())
                                                   : fmt::format("{} KV", s.num_kv_heads);
            const std::string active =
                s.moe.enabled() ? fmt::format(", {:.2f}B active", static_cast<double>(s.active_param_count()) * 1e-9)
                                : std::string();
            ListRow r = row(p.id, fmt::format("{} ({:.2f}B params{}, {} layers, hidden {}, {} heads / {})",
                                              p.description, static_cast<double>(s.param_count()) * 1e-9, active,
                                              s.num_layers, s.hidden_size, s.num_heads, kv));
            r.json["params"] = s.param_count();
            r.json["active_params"] = s.active_param_count();
            r.json["layers"] = s.num_layers;
            r.json["hidden_size"] = s.hidden_size;
            r.json["heads"] = s.num_heads;
            r.json["kv_heads"] = s.num_kv_heads;
            rows.push_back(std::move(r));
        }
    } else if (what == "hardware") {
        for (const auto& d : hardware::device_presets()) {
            // One consistent figure across devices: dense 16-bit tensor math (bf16, else fp16), with the dtype named.
            DType shown = d.peak_flops_per_s.begin()->first;
            for (DType t : {DType::fp16, DType::bf16}) {
                if (d.peak_flops_per_s.count(t)) shown = t;
            }
            const double peak = d.peak_flops_per_s.at(shown);
            ListRow r = row(d.id, fmt::format("{}{}: {} {}, {} at {}, {}{}", d.name, aliases_text(d.aliases),
                                              units::format_flops_per_s(peak), dtype_name(shown),
                                              units::format_bytes(d.memory_bytes),
                                              units::format_bytes_per_s(d.memory_bandwidth_bytes_per_s),
                                              d.calibration ? "calibrated: " : "uncalibrated",
                                              d.calibration ? d.calibration->source : ""));
            r.json["name"] = d.name;
            r.json["aliases"] = d.aliases;
            r.json["peak_flops_per_s"] = peak;
            r.json["peak_dtype"] = std::string(dtype_name(shown));
            r.json["memory_bytes"] = d.memory_bytes;
            r.json["memory_bandwidth_bytes_per_s"] = d.memory_bandwidth_bytes_per_s;
            r.json["calibration_source"] = d.calibration ? OrderedJson(d.calibration->source) : OrderedJson();
            rows.push_back(std::move(r));
        }
    } else if (what == "schedulers") {
        registry_rows(policies::scheduler_registry(), rows);
    } else if (what == "routers") {
        registry_rows(policies::router_registry(), rows);
    } else if (what == "preemption") {
        registry_rows(policies::preemption_registry(), rows);
    } else if (what == "spec-decode") {
        registry_rows(policies::spec_decode_registry(), rows);
    } else if (what == "kv-policies") {
        registry_rows(policies::kv_policy_registry(), rows);
    } else if (what == "traces") {
        for (const auto& f : traces::list_trace_formats()) {
            rows.push_back(row(f.name, f.description));
            rows.back().json["group"] = "trace-format";
        }
        for (const auto& w : traces::list_builtin_workloads()) {
            rows.push_back(row(w.name, w.description));
            rows.back().json["group"] = "builtin-workload";
        }
    } else if (what == "engines") {
        for (const auto& e : policies::engine_presets()) {
            ListRow r = row(e.id, e.name + aliases_text(e.aliases) + ": " + e.description);
            r.json["scheduler"] = e.scheduler;
            r.json["host"] = host_summary(e.host);
            r.json["prefix_caching"] = e.prefix_caching;
            r.json["block_size"] = e.block_size;
            r.json["source"] = e.source;
            r.detail_lines.push_back("  scheduler " + e.scheduler + ", host " + host_summary(e.host) +
                                     ", prefix caching " + (e.prefix_caching ? "on" : "off") + ", block " +
                                     std::to_string(e.block_size));
            r.detail_lines.push_back("  source: " + e.source);
            rows.push_back(std::move(r));
        }
    } else if (what == "overheads") {
        for (const auto& o : sim::framework_overhead_presets())
            rows.push_back(row(o.name, o.description));
    } else {
        throw UsageError("llmsim list", unknown_name_message("list", what, kListKinds));
    }
    return rows;
}

void print_row(const std::string& id, const std::string& description) {
    std::cout << fmt::format("{:<24} {}\n", id, description);
}

void list(const std::string& what, bool json) {
    if (json) {
        std::cout << list_json(what).dump() << "\n";
        return;
    }
    const std::vector<ListRow> rows = list_rows(what);
    std::string group;
    for (const auto& r : rows) {
        std::string id = r.json["id"].get<std::string>();
        if (r.json.contains("group")) {  // `list traces`: two sections, rows indented under their heading
            if (r.json["group"] != group) {
                group = r.json["group"].get<std::string>();
                std::cout << (group == "trace-format" ? "trace formats (--trace-format):\n"
                                                      : "built-in workloads (--lengths builtin:NAME):\n");
            }
            id = "  " + id;
        }
        print_row(id, r.json["description"].get<std::string>());
        for (const auto& line : r.detail_lines)
            print_row("", line);
    }
}

}  // namespace

OrderedJson list_json(const std::string& kind) {
    OrderedJson out = OrderedJson::array();
    for (auto& r : list_rows(kind))
        out.push_back(std::move(r.json));
    return out;
}

void add_list_command(CLI::App& root) {
    auto what = std::make_shared<std::string>();
    auto json = std::make_shared<bool>(false);
    CLI::App* cmd =
        root.add_subcommand("list",
                            "list models | hardware | engines | schedulers | routers | preemption | spec-decode | "
                            "kv-policies | traces | overheads");
    cmd->add_option(
           "what", *what,
           "models | hardware | engines | schedulers | routers | preemption | spec-decode | kv-policies | traces | "
           "overheads")
        ->required();
    cmd->add_flag("--json", *json, "print the rows as one JSON array of objects (id, description, details)");
    cmd->callback([what, json]() { list(*what, *json); });
}

}  // namespace llmsim::tools
