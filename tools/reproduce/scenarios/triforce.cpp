// TriForce (Sun et al., COLM 2024): hierarchical speculation for long contexts, the target drafting for itself over a
// retrieval-based sparse KV cache: up to 2.31x for Llama2-7B-128K on an A100.
#include <fmt/format.h>

#include "tools/reproduce/scenarios/scenario_list.hpp"
#include "tools/reproduce/scenarios/spec_decode_runs.hpp"

namespace llmsim::tools::reproduce {

Scenario triforce_scenario() {
    Scenario s;
    s.name = "triforce-llama2-7b-128k";
    s.paper =
        "TriForce: Lossless Acceleration of Long Sequence Generation with Hierarchical Speculative Decoding "
        "(Sun et al., COLM 2024)";
    s.claim = "up to 2.31x over autoregressive decoding for Llama2-7B-128K on an A100";
    s.range = {2.31, 2.31, "x"};
    s.run = [] {
        Reproduction out;
        out.baseline = "autoregressive Llama-2-7B decoding over the full 120K-token KV cache";
        out.assumptions = {
            {"models",
             "llama-2-7b with its context extended to 128K (max-model-len 131072; Llama2-7B-128K is a "
             "fine-tune with the same architecture)"},
            {"hardware", "one A100-SXM-80GB, batch 1, GPU memory utilisation 0.98 (the 120K-token KV takes 63 GB)"},
            {"drafter",
             "the target itself over a 4096-token retrieval-based sparse KV (TriForce's middle level): "
             "draft:model=llama-2-7b,context=4096. Its bottom level (a 68M model drafting for the "
             "middle one) is not modelled: the middle level drafts by itself"},
            {"gamma", "4 (the draft drafter's default)"},
            {"alpha", "0.9 (a 4K retrieval cache recovers most of the full cache's attention; not in the abstract)"},
            {"lengths", "120,000 prompt, 128 output tokens"},
        };
        auto settings = [](const std::string& spec) {
            Json j = batch1_settings("llama-2-7b", "a100", 1, 120000, 128, spec, 2);
            j["max-model-len"] = 131072;
            j["gpu-memory-utilization"] = 0.98;
            return j;
        };
        const double ar = batch1_tpot_ms(settings(""), "autoregressive", out);
        const double tri = batch1_tpot_ms(settings("draft:model=llama-2-7b,context=4096,gamma=4,alpha=0.9"),
                                          "sparse-KV self-drafting", out);
        out.simulated = ar / tri;
        out.explanation = fmt::format(
            "Mean TPOT: autoregressive {:.2f} ms, self-speculation over a 4K sparse KV {:.2f} ms ({:.2f}x). At 120K "
            "the full-cache step reads about 63 GB of KV beside 13.5 GB of weights, while a draft step reads the "
            "weights and 2 GB of KV, so four drafts cost less than one verify and a verify emits about 4 tokens.",
            ar, tri, ar / tri);
        return out;
    };
    return s;
}

}  // namespace llmsim::tools::reproduce
