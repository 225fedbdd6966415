// llmsim disagg-search: the prefill/decode split (replica counts and TP per pool, within a GPU budget) with the most
// goodput per GPU under the SLO (DistServe's placement search; tools/plan/disagg_search.hpp).
#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <iostream>
#include <memory>

#include "common/error.hpp"
#include "tools/commands/commands.hpp"
#include "tools/plan/disagg_search.hpp"
#include "tools/plan/plan_lists.hpp"
#include "tools/run_config.hpp"

namespace llmsim::tools {
namespace {

struct Args {
    int64_t gpu_budget = 8;
    std::string prefill_hardware, decode_hardware;
    std::string tp = "1,2,4,8";
    int percentile = 90;
    double attainment = 0.9;
    double tolerance = 0.05;
    bool json = false;
};

void disagg_search_command(RunConfig& cfg, const Args& a) {
    cfg.resolve();
    DisaggSearchOptions o;
    if (a.gpu_budget < 2 || a.gpu_budget > 1024) {
        throw UsageError("--gpu-budget",
                         fmt::format("must be in [2, 1024] (a prefill and a decode GPU), got {}", a.gpu_budget));
    }
    o.gpu_budget = a.gpu_budget;
    o.prefill_hardware = a.prefill_hardware.empty() ? cfg.text("hardware") : a.prefill_hardware;
    o.decode_hardware = a.decode_hardware.empty() ? cfg.text("hardware") : a.decode_hardware;
    o.tp = parse_int_list(a.tp, "--tp", 1, 64);
    o.plan.slo.ttft_ms = cfg.opt_number("slo-ttft-ms");
    o.plan.slo.tpot_ms = cfg.opt_number("slo-tpot-ms");
    if (!o.plan.slo.ttft_ms && !o.plan.slo.tpot_ms) {
        throw UsageError("--slo-ttft-ms", "disagg-search needs a latency target: --slo-ttft-ms and/or --slo-tpot-ms");
    }
    if (a.percentile != 50 && a.percentile != 90 && a.percentile != 99) {
        throw UsageError("--slo-percentile", fmt::format("expected 50, 90 or 99, got {}", a.percentile));
    }
    o.plan.slo.percentile = a.percentile;
    if (!(a.attainment > 0 && a.attainment <= 1)) {
        throw UsageError("--slo-attainment", fmt::format("must be in (0, 1], got {}", a.attainment));
    }
    o.plan.slo.attainment = a.attainment;
    if (!(a.tolerance >= 0.001 && a.tolerance <= 0.5)) {
        throw UsageError("--qps-tolerance", fmt::format("must be in [0.001, 0.5], got {}", a.tolerance));
    }
    o.plan.qps_tolerance = a.tolerance;
    const Json base = Json::parse(cfg.user_json().dump());
    const DisaggSearchResult r = disagg_search(base, o);
    if (!r.best) {
        throw UsageError("--slo-ttft-ms", fmt::format("no prefill/decode split of {} GPUs meets the SLO at any rate "
                                                      "({} placements searched)",
                                                      o.gpu_budget, r.placements.size()));
    }
    const DisaggPlacement& best = r.placements[*r.best];
    if (a.json) {
        OrderedJson j;
        auto entry = [](const DisaggPlacement& p) {
            OrderedJson e;
            e["prefill_replicas"] = p.prefill_replicas;
            e["prefill_tp"] = p.prefill_tp;
            e["decode_replicas"] = p.decode_replicas;
            e["decode_tp"] = p.decode_tp;
            e["gpus"] = p.gpus;
            e["status"] = p.status;
            e["goodput_rps"] = p.max_qps;
            e["goodput_per_gpu"] = p.goodput_per_gpu;
            e["capacity_rps"] = p.capacity_rps;
            if (!p.reason.empty()) e["reason"] = p.reason;
            return e;
        };
        j["best"] = entry(best);
        j["best"]["config"] = best.settings;
        j["placements"] = OrderedJson::array();
        for (const auto& p : r.placements)
            j["placements"].push_back(entry(p));
        std::cout << j.dump() << "\n";
        return;
    }
    std::cout << fmt::format("{:<36} {:>5} {:>12} {:>14}  status\n", "placement", "gpus", "goodput/s", "per GPU");
    for (const auto& p : r.placements) {
        std::cout << fmt::format("{:<36} {:>5} {:>12.3f} {:>14.3f}  {}\n", p.label(), p.gpus, p.max_qps,
                                 p.goodput_per_gpu, p.status);
    }
    std::cout << fmt::format("\nbest: {} ({} GPUs): {:.3f} req/s under the SLO, {:.3f} per GPU\n", best.label(),
                             best.gpus, best.max_qps, best.goodput_per_gpu);
}

}  // namespace

void add_disagg_search_command(CLI::App& root) {
    auto cfg = std::make_shared<RunConfig>();
    auto a = std::make_shared<Args>();
    CLI::App* cmd = root.add_subcommand(
        "disagg-search", "find the prefill/decode split with the most goodput per GPU under the SLO (DistServe)");
    cfg->add_flags(*cmd, {"tp", "replicas", "prefill-pool", "decode-pool", "out", "chrome-trace", "json", "qps"});
    cmd->add_option("--gpu-budget", a->gpu_budget, "prefill + decode GPUs at most")->capture_default_str();
    cmd->add_option("--prefill-hardware", a->prefill_hardware, "prefill pool device (default: --hardware)");
    cmd->add_option("--decode-hardware", a->decode_hardware, "decode pool device (default: --hardware)");
    cmd->add_option("--tp", a->tp, "TP degrees tried in each pool: list and ranges A..B")->capture_default_str();
    cmd->add_option("--slo-percentile", a->percentile, "percentile held to the targets: 50, 90, 99")
        ->capture_default_str();
    cmd->add_option("--slo-attainment", a->attainment, "fraction of requests meeting every target")
        ->capture_default_str();
    cmd->add_option("--qps-tolerance", a->tolerance, "bisection bracket as a fraction of capacity")
        ->capture_default_str();
    cmd->add_flag("--json", a->json, "print one JSON object: best (with its run config) and every placement");
    cmd->callback([cfg, a]() { disagg_search_command(*cfg, *a); });
}

}  // namespace llmsim::tools
