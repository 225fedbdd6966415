// MegaScale (Jiang et al., NSDI 2024): 55.2% MFU training a 175B model on 12,288 GPUs, 1.34x the MFU of Megatron-LM.
#include <fmt/format.h>

#include <string>
#include <utility>
#include <vector>

#include "tools/reproduce/repro_runs.hpp"
#include "tools/reproduce/scenarios/scenario_list.hpp"
#include "tools/reproduce/training_runs.hpp"

namespace llmsim::tools::reproduce {
namespace {

// The paper's 175B run: GPT-3 shapes, TP within the node, 8 pipeline stages, the rest data parallel.
Json megascale_setup() {
    return {
        {"model", "gpt3-175b"}, {"hardware", "a100"},   {"gpus", 12288},   {"tp", 8},   {"pp", 8},         {"vpp", 2},
        {"micro-batch", 1},     {"global-batch", 6144}, {"seq-len", 2048}, {"zero", 1}, {"dropout", "off"}};
}

Reproduction run_megascale() {
    Reproduction r;
    r.baseline =
        "Megatron-LM on the same layout: distributed optimizer, sequence parallelism, backward TP overlap "
        "only; DP collectives and pipeline sends on the critical path";
    r.assumptions = {
        {"model",
         "gpt3-175b (96 layers x 12288, the paper's 175B shapes; its head count and vocabulary may differ), "
         "2,048-token sequences, no dropout"},
        {"hardware",
         "a100 (A100 SXM 80GB, calibrated): the paper's cluster is NVIDIA Ampere GPUs; 8 per node with "
         "8 x 200 Gb/s NICs on a non-blocking rail-optimised fat tree (the simulator's default)"},
        {"layout",
         "TP 8 (one node) x PP 8 x DP 192, interleaved 1F1B over 2 model chunks (Megatron's 145.6B recipe), "
         "micro-batch 1, global batch 6,144 sequences (32 micro-batches per pipeline) for both systems: "
         "the 12,288-GPU comparison is at one batch size"},
        {"MegaScale",
         "parallel transformer block (--parallel-block), TP communication overlapped with the GEMMs "
         "(tp), pipeline sends off the compute stream (pp), DP reduce-scatter/all-gather overlapped per "
         "model chunk (dp-chunks; its first all-gather stays exposed: no data loading to hide behind)"},
        {"not modelled",
         "sliding-window attention (the window is not given; attention is ~3% of the FLOPs at 2,048 "
         "tokens), LAMB's 4x larger batch (not used at a fixed batch), LayerNorm/GeLU fusion (both "
         "runs are priced at the calibrated kernel speed), network tuning, stragglers"}};

    const Json base = megascale_setup();
    // Optimisations added one at a time, so the runs show what each is worth in the simulator.
    const std::vector<std::pair<std::string, Json>> steps = {
        {"Megatron-LM", {{"overlap", "tp-bwd"}}},
        {"+ parallel block", {{"overlap", "tp-bwd"}, {"parallel-block", true}}},
        {"+ TP overlap", {{"overlap", "tp,tp-bwd"}, {"parallel-block", true}}},
        {"+ PP overlap", {{"overlap", "tp,tp-bwd,pp"}, {"parallel-block", true}}},
        {"MegaScale (+ DP overlap per chunk)", {{"overlap", "tp,tp-bwd,pp,dp-chunks"}, {"parallel-block", true}}},
    };
    std::vector<double> mfu;
    std::string gains;
    for (const auto& [label, extra] : steps) {
        Json s = base;
        s.update(extra);
        const OrderedJson out = train(s, "megascale " + label);
        mfu.push_back(out.at("mfu").get<double>() * 100);
        r.runs.push_back(run_entry(label + " (llmsim train)", s, train_figures(out)));
        if (mfu.size() > 1)
            gains += fmt::format("{}{} {:+.1f}", gains.empty() ? "" : ", ", label, mfu.back() - mfu[mfu.size() - 2]);
    }
    const double baseline = mfu.front();
    r.simulated = mfu.back();
    const double ratio = r.simulated / baseline;
    // The ratio is judged as the scenario judges its value: within the default 15% of the claim.
    const char* ratio_verdict = ratio < 1.34 * 0.85   ? "missed (below)"
                                : ratio > 1.34 * 1.15 ? "missed (above)"
                                                      : "reproduced";
    r.explanation = fmt::format(
        "MegaScale's configuration reaches {:.1f}% MFU against {:.1f}% for Megatron-LM, {:.2f}x (paper: 55.2% and "
        "1.34x, so Megatron-LM at about 41.2%); the ratio is {}. Points of MFU per optimisation: {}. The simulated "
        "Megatron-LM is {:+.1f} points from the paper's: what the paper also counts against it at this scale is not "
        "modelled - unfused LayerNorm/GeLU kernels (both runs are priced at the calibrated kernel speed), the data "
        "pipeline, congestion and ECMP hash conflicts in a three-tier CLOS (here a non-blocking fat tree), "
        "stragglers. Left in the MegaScale run: the pipeline bubble and the first chunk's DP all-gather and last "
        "chunk's reduce-scatter.",
        r.simulated, baseline, ratio, ratio_verdict, gains, baseline - 55.2 / 1.34);
    return r;
}

}  // namespace

Scenario megascale_scenario() {
    Scenario s;
    s.name = "megascale-175b-12288";
    s.paper = "MegaScale (Jiang et al., NSDI 2024)";
    s.claim = "55.2% MFU training a 175B model on 12,288 GPUs, 1.34x the MFU of Megatron-LM";
    s.range = {55.2, 55.2, "% MFU"};
    s.run = run_megascale;
    return s;
}

}  // namespace llmsim::tools::reproduce
