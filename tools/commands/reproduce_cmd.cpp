// llmsim reproduce list | NAME | all [--json] [--threads N]: runs seed-paper reproduction scenarios and says, for each,
// whether the simulated value lands in the claimed range.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <iostream>
#include <thread>

#include "common/error.hpp"
#include "common/nearest.hpp"
#include "tools/commands/commands.hpp"
#include "tools/reproduce/registry.hpp"

namespace llmsim::tools {
namespace {

using reproduce::Reproduction;
using reproduce::Scenario;

struct ReproduceArgs {
    std::string what;
    bool json = false;
    int threads = 1;
};

std::string range_text(const Scenario& s) {
    const auto& r = s.range;
    const std::string unit = r.unit == "x" ? "x" : " " + r.unit;
    if (r.low == r.high) return fmt::format("{:g}{}", r.low, unit);
    return fmt::format("{:g}{} to {:g}{}", r.low, unit, r.high, unit);
}

std::string value_text(const Scenario& s, double v) {
    return s.range.unit == "x" ? fmt::format("{:.3g}x", v) : fmt::format("{:.4g} {}", v, s.range.unit);
}

OrderedJson scenario_json(const Scenario& s) {
    OrderedJson j;
    j["name"] = s.name;
    j["paper"] = s.paper;
    j["claim"] = s.claim;
    j["claimed"] = {{"low", s.range.low}, {"high", s.range.high}, {"unit", s.range.unit}, {"tolerance", s.tolerance}};
    return j;
}

OrderedJson outcome_json(const Scenario& s, const Reproduction& r) {
    OrderedJson j = scenario_json(s);
    j["baseline"] = r.baseline;
    OrderedJson a = OrderedJson::object();
    for (const auto& [k, v] : r.assumptions)
        a[k] = v;
    j["assumptions"] = a;
    j["simulated"] = r.simulated;
    const auto v = reproduce::judge(s, r.simulated);
    j["reproduced"] = v == reproduce::Verdict::reproduced;
    j["verdict"] = reproduce::verdict_name(v);
    j["explanation"] = r.explanation;
    j["runs"] = r.runs;
    return j;
}

std::string outcome_text(const Scenario& s, const Reproduction& r) {
    std::string out = fmt::format("{}  [{}]\n", s.name, s.paper);
    out += fmt::format("  claim:       {}\n", s.claim);
    out += fmt::format("  claimed:     {} (reproduced within {:g}% of that range)\n", range_text(s), s.tolerance * 100);
    out += fmt::format("  baseline:    {}\n", r.baseline);
    for (const auto& [k, v] : r.assumptions)
        out += fmt::format("  {:<12} {}\n", k + ":", v);
    out += fmt::format("  simulated:   {}\n", value_text(s, r.simulated));
    out += fmt::format("  verdict:     {}\n", reproduce::verdict_name(reproduce::judge(s, r.simulated)));
    if (!r.explanation.empty()) out += fmt::format("  why:         {}\n", r.explanation);
    return out;
}

// Runs the chosen scenarios on `threads` workers; results keep the registry's order.
std::vector<Reproduction> run_all(const std::vector<const Scenario*>& chosen, int threads) {
    std::vector<Reproduction> results(chosen.size());
    std::vector<std::exception_ptr> errors(chosen.size());
    std::atomic<size_t> next{0};
    const auto worker = [&] {
        for (size_t i = next++; i < chosen.size(); i = next++) {
            try {
                results[i] = chosen[i]->run();
            } catch (...) {
                errors[i] = std::current_exception();
            }
        }
    };
    std::vector<std::thread> pool;
    const size_t n = std::min<size_t>(static_cast<size_t>(threads), chosen.size());
    for (size_t t = 1; t < n; ++t)
        pool.emplace_back(worker);
    worker();
    for (auto& t : pool)
        t.join();
    for (const auto& e : errors) {
        if (e) std::rethrow_exception(e);
    }
    return results;
}

void reproduce_command(const ReproduceArgs& a) {
    const auto& all = reproduce::scenarios();
    if (a.what == "list") {
        if (a.json) {
            OrderedJson j = OrderedJson::array();
            for (const auto& s : all)
                j.push_back(scenario_json(s));
            std::cout << j.dump(2) << "\n";
        } else {
            for (const auto& s : all)
                std::cout << fmt::format("{:<30} {} [{}]: {}\n", s.name, range_text(s), s.paper, s.claim);
        }
        return;
    }
    std::vector<const Scenario*> chosen;
    if (a.what == "all") {
        for (const auto& s : all)
            chosen.push_back(&s);
    } else if (const Scenario* s = reproduce::find_scenario(a.what)) {
        chosen.push_back(s);
    } else {
        std::vector<std::string> names = {"list", "all"};
        for (const auto& sc : all)
            names.push_back(sc.name);
        throw UsageError("NAME", unknown_name_message("scenario", a.what, names));
    }
    const std::vector<Reproduction> results = run_all(chosen, a.threads);
    int64_t reproduced = 0;
    OrderedJson j = OrderedJson::array();
    std::string text;
    for (size_t i = 0; i < chosen.size(); ++i) {
        if (reproduce::judge(*chosen[i], results[i].simulated) == reproduce::Verdict::reproduced) ++reproduced;
        j.push_back(outcome_json(*chosen[i], results[i]));
        text += (i > 0 ? "\n" : "") + outcome_text(*chosen[i], results[i]);
    }
    if (a.json) {
        std::cout << (a.what == "all" ? j : j[0]).dump(2) << "\n";
    } else {
        std::cout << text;
        if (chosen.size() > 1)
            std::cout << fmt::format("\n{} of {} claims reproduced\n", reproduced, chosen.size());
    }
}

}  // namespace

void add_reproduce_command(CLI::App& root) {
    auto args = std::make_shared<ReproduceArgs>();
    auto* cmd = root.add_subcommand("reproduce", "Reproduce numeric claims of the seed papers (list | NAME | all)");
    cmd->add_option("what", args->what, "list, all, or a scenario name (see `llmsim reproduce list`)")->required();
    cmd->add_flag("--json", args->json, "Print JSON (an array for `all`, an object for one scenario)");
    cmd->add_option("--threads", args->threads, "Scenarios run at once (results keep the listing order)")
        ->check(CLI::Range(1, 256))
        ->capture_default_str();
    cmd->callback([args] { reproduce_command(*args); });
}

}  // namespace llmsim::tools
