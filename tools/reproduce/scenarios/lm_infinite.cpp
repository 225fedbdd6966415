// LM-Infinite (Han et al., NAACL 2024): a Lambda-shaped mask (a few starting tokens + a local window of the
// pretraining length) bounds what each decode step reads; at 32K tokens decoding is 2.72x faster than full attention.
#include <fmt/format.h>

#include "tools/reproduce/repro_runs.hpp"
#include "tools/reproduce/scenarios/scenario_list.hpp"

namespace llmsim::tools::reproduce {
namespace {

Reproduction run_lm_infinite() {
    Reproduction out;
    out.baseline = "full attention over the whole 32K-token cache";
    out.assumptions = {
        {"model / hardware",
         "llama-2-7b on one a100-sxm-80gb (the paper's LLaMA family; its GPU is not in the "
         "abstract)"},
        {"policy",
         "streaming:sink=10,window=4096: 10 starting tokens and a window of Llama-2's 4K pretraining "
         "length"},
        {"workload", "one request, 32,000 prompt + 256 output tokens, alone on the GPU (batch 1)"},
        {"metric", "mean time per output token (TPOT) of the two runs"},
    };
    Json base = {{"model", "llama-2-7b"}, {"hardware", "a100-sxm-80gb"},  {"num-requests", 1},
                 {"qps", "inf"},          {"lengths", "fixed:32000:256"}, {"max-model-len", 32768}};
    Json lm = base;
    lm["kv-policy"] = "streaming:sink=10,window=4096";
    const OrderedJson f = simulate(base, "lm-infinite full");
    const OrderedJson s = simulate(lm, "lm-infinite lambda");
    const double tpot_f = f["tpot_ms"]["mean"].get<double>();
    const double tpot_s = s["tpot_ms"]["mean"].get<double>();
    out.simulated = tpot_f / tpot_s;
    out.runs.push_back(run_entry("full attention", base, {{"tpot_ms", tpot_f}, {"ttft_ms", f["ttft_ms"]["mean"]}}));
    out.runs.push_back(run_entry("LM-Infinite", lm, {{"tpot_ms", tpot_s}, {"ttft_ms", s["ttft_ms"]["mean"]}}));
    out.explanation = fmt::format(
        "A step reads the 13.5 GB of weights plus the KV it attends to: 32K tokens (16.8 GB) with full attention, "
        "4,106 tokens (2.2 GB) under the Lambda mask, so a memory-bound step speeds up {:.2f}x ({:.2f} -> {:.2f} ms). "
        "The bound is (weights + full KV) / (weights + window KV); a larger claimed speedup needs a baseline whose "
        "attention is slower than reading the cache once (the paper's full-attention baseline at 32K, beyond the "
        "pretraining length, is not a fused paged kernel).",
        out.simulated, tpot_f, tpot_s);
    return out;
}

}  // namespace

Scenario lm_infinite_scenario() {
    Scenario s;
    s.name = "lm-infinite-32k";
    s.paper = "LM-Infinite (Han et al., NAACL 2024)";
    s.claim = "O(n) time and space, consistent generation to 32K tokens, with 2.72x decoding speedup";
    s.range = {2.72, 2.72, "x"};
    s.run = run_lm_infinite;
    return s;
}

}  // namespace llmsim::tools::reproduce
