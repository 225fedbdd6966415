// DistServe (Zhong et al., OSDI 2024): "DistServe can serve 4.48x more requests or 10.2x tighter SLO, compared to
// state-of-the-art systems, while staying within latency constraints for > 90% of requests". Reproduced as the
// paper's goodput comparison on its chatbot workload: the highest rate per GPU at which 90% of requests meet both
// SLOs, disaggregated (the best split DistServe's placement search finds within 4 GPUs) against colocated vLLM.
#include <fmt/format.h>

#include "tools/plan/disagg_search.hpp"
#include "tools/reproduce/repro_runs.hpp"
#include "tools/reproduce/scenarios/scenario_list.hpp"

namespace llmsim::tools::reproduce {
namespace {

Json base_settings() {
    Json s;
    s["model"] = "opt-13b";  // the smallest of the paper's OPT models (its chatbot runs use OPT-13B/66B/175B)
    s["hardware"] = "a100-sxm-80gb";
    // The paper's chatbot trace is ShareGPT cut to OPT's 2,048-token context; its length histogram is not in this
    // project's tables and the built-in ShareGPT lengths run to 8k tokens, so a fixed chat-sized request stands in.
    s["lengths"] = "fixed:512:128";
    s["num-requests"] = 300;
    s["arrival"] = "poisson";
    s["slo-ttft-ms"] = 250;  // the paper's OPT-13B chatbot SLOs: TTFT 0.25 s, TPOT 0.1 s
    s["slo-tpot-ms"] = 100;
    s["seed"] = 1;
    return s;
}

Reproduction run() {
    Reproduction out;
    out.baseline = "colocated vLLM (continuous batching, prefill-priority), one OPT-13B replica per A100";
    out.assumptions = {{"model", "opt-13b (paper: OPT-13B/66B/175B)"},
                       {"hardware", "A100-SXM-80GB, both pools in one 8-GPU node (KV over NVLink)"},
                       {"workload",
                        "512-token prompts, 128-token outputs (a chat-sized stand-in for the paper's "
                        "ShareGPT cut to 2k tokens), Poisson arrivals, 300 requests"},
                       {"SLO", "TTFT 250 ms and TPOT 100 ms at P90, 90% attainment (the paper's chatbot SLOs)"},
                       {"placement", "the best prefill/decode split within 4 GPUs, TP 1 or 2 per pool"}};
    PlanSlo slo;
    slo.ttft_ms = 250;
    slo.tpot_ms = 100;
    slo.attainment = 0.9;
    Json colocated = base_settings();
    colocated["engine"] = "vllm-v0";
    const Goodput g_col = max_goodput(colocated, slo, "distserve colocated", 0.05);
    OrderedJson fc;
    fc["goodput_rps_per_gpu"] = g_col.max_qps;
    out.runs.push_back(run_entry("colocated vllm, 1 x A100", colocated, fc));

    DisaggSearchOptions o;
    o.gpu_budget = 4;
    o.prefill_hardware = "a100-sxm-80gb";
    o.decode_hardware = "a100-sxm-80gb";
    o.tp = {1, 2};
    o.plan.slo = slo;
    o.plan.qps_tolerance = 0.05;
    Json disagg = base_settings();
    disagg["engine"] = "vllm-v0";
    const DisaggSearchResult r = disagg_search(disagg, o);
    double best = 0;
    std::string label = "none met the SLO";
    if (r.best) {
        const DisaggPlacement& p = r.placements[*r.best];
        best = p.goodput_per_gpu;
        label = p.label();
        OrderedJson fd;
        fd["goodput_rps"] = p.max_qps;
        fd["gpus"] = p.gpus;
        fd["goodput_rps_per_gpu"] = p.goodput_per_gpu;
        out.runs.push_back(run_entry("disaggregated " + label, Json::parse(p.settings.dump()), fd));
    }
    out.simulated = g_col.max_qps > 0 ? best / g_col.max_qps : 0;
    if (g_col.max_qps <= 0) {
        out.explanation = fmt::format(
            "no rate met the paper's SLOs colocated ({}), and the best disaggregated split reached {:.3f} req/s per "
            "GPU: the ratio is undefined (0) rather than tuned with other SLOs or lengths.",
            g_col.infeasible, best);
        return out;
    }
    out.explanation = fmt::format(
        "goodput per GPU: disaggregated ({}) {:.3f} req/s vs colocated {:.3f} req/s. The simulated colocated "
        "baseline suffers prefill-decode interference only through its batches' shared iteration time; DistServe's "
        "larger gains come at its paper's tighter per-model SLOs and larger models (OPT-66B/175B), where the "
        "colocated engine cannot meet TTFT and TPOT together; a shortfall means this setup does not reach that "
        "regime.",
        label, best, g_col.max_qps);
    return out;
}

}  // namespace

Scenario distserve_scenario() {
    Scenario s;
    s.name = "distserve-opt-13b-chatbot";
    s.paper = "DistServe (Zhong et al., OSDI 2024)";
    s.claim = "serves up to 4.48x more requests (goodput per GPU at >90% SLO attainment) than colocated systems";
    s.range = {2.0, 4.48, "x"};
    s.run = run;
    return s;
}

}  // namespace llmsim::tools::reproduce
