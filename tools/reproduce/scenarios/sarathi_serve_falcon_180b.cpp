// Sarathi-Serve (OSDI'24): Falcon-180B on 8 A100s (TP 4 x PP 2 over two nodes), capacity within a P99 TBT SLO vs
// vLLM and Orca. The setup follows the paper's artifact (microsoft/sarathi-serve
// osdi-experiments/figure-5-6/falcon180b_{strict,relaxed}.yml and its README): A100 80GB PCIe, vLLM batch 128, Orca
// batch 8, Sarathi-Serve batch 128 with a 512-token budget under the strict SLO (P99 TBT 1 s) and 2048 under the
// relaxed one (5 s), ShareGPT (<= 8K) and arXiv summarization (<= 16K) lengths, median scheduling delay <= 2 s.
#include "tools/reproduce/capacity_study.hpp"
#include "tools/reproduce/scenarios/scenario_list.hpp"

namespace llmsim::tools::reproduce {

Scenario sarathi_serve_falcon_180b_scenario() {
    Scenario s;
    s.name = "sarathi-serve-falcon-180b";
    s.paper = "Sarathi-Serve (Agrawal et al., OSDI 2024)";
    s.claim = "Sarathi-Serve improves serving capacity within the latency SLO of Falcon-180B by up to 6.9x on 8 A100 "
              "GPUs over Orca and vLLM";
    // As sarathi-serve-mistral-7b: the largest ratio over the paper's grid is its best case, a point claim.
    s.range = {6.9, 6.9, "x"};
    s.run = [] {
        CapacityStudy study;
        study.label = "falcon-180b";
        study.base = {{"model", "falcon-180b"}, {"hardware", "a100-pcie-80gb"}, {"tp", 4}, {"pp", 2},
                      {"engine", "vllm-v0"},    {"num-requests", 300},           {"seed", 0},
                      {"arrival", "poisson"}};
        study.slos = {{"strict", 1000, 512}, {"relaxed", 5000, 2048}};
        study.workloads = {{"sharegpt", "builtin:sharegpt", 8192}, {"arxiv", "builtin:arxiv-summarization", 16384}};
        study.sarathi_max_batch = 128;
        study.vllm_max_batch = 128;
        study.orca_max_batch = 8;
        Reproduction r = run_capacity_study(study);
        // The digest's claim is the arXiv abstract's; the camera-ready one gives a smaller figure for this setup.
        r.explanation += " (The OSDI'24 camera-ready abstract states up to 5.6x for Falcon-180B with pipeline "
                         "parallelism; the 6.9x judged here is the arXiv abstract's.)";
        r.baseline = "vLLM (prefill-priority, max batch 128) and Orca (iteration-level, max batch 8), same engine";
        r.assumptions = {
            {"model", "falcon-180b (tiiuae/falcon-180B config; context raised to the artifact's 8K/16K max_seq_len)"},
            {"hardware", "8 x a100-pcie-80gb, TP 4 x PP 2 (the artifact: two Azure NC A100 v4 nodes, pairwise "
                         "NVLink); stage boundary and all-reduce costs from the profile's topology"},
            {"engine", "vllm-v0: the 2023-24 Python engine (serial host loop) for all three schedulers"},
            {"SLO", "P99 TBT <= 1 s (strict, chunk 512) or 5 s (relaxed, chunk 2048); P50 scheduling delay <= 2 s"},
            {"workloads", "builtin sharegpt (<= 8K) and arxiv-summarization (<= 16K) lengths, Poisson arrivals"},
            {"requests", "300 per run (the paper: 2048), seed 0; rate bracketed to 5% of the offline capacity"},
        };
        return r;
    };
    return s;
}

}  // namespace llmsim::tools::reproduce
