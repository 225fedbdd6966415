// ShadowKV (Sun et al., ICML 2025, arXiv 2410.21465): low-rank pre-RoPE keys and landmarks on the GPU, values in host
// memory, a 1.56% sparse budget rebuilt and fetched each step. The claim: up to 6x larger batches and up to 3.04x
// throughput on an A100 for 1M-context 8B models at long contexts, against full attention on the GPU.
#include <fmt/format.h>

#include "tools/reproduce/repro_runs.hpp"
#include "tools/reproduce/scenarios/scenario_list.hpp"

namespace llmsim::tools::reproduce {
namespace {

constexpr int64_t kPromptTokens = 122880;
constexpr int64_t kOutputTokens = 2048;

struct DecodeRun {
    int64_t batch = 0;
    double step_ms = 0;
    double tokens_per_s = 0;
    OrderedJson figures;
};

// The most requests of the workload's length the KV capacity holds (a one-request probe), then that many requests
// queued together: once every prompt is prefilled they decode as one batch, so the median time between tokens is
// the full batch's decode step.
DecodeRun decode_at_max_batch(Json settings, const std::string& label) {
    settings["num-requests"] = 1;
    const OrderedJson probe = simulate(settings, label + " probe");
    DecodeRun r;
    r.batch = probe["kv_policy"]["requests_at_reference_context"].get<int64_t>();
    settings["num-requests"] = r.batch;
    const OrderedJson s = simulate(settings, label);
    r.step_ms = s["tbt_ms"]["p50"].get<double>();
    r.tokens_per_s = static_cast<double>(r.batch) / r.step_ms * 1e3;
    r.figures = {{"max_batch_seqs", r.batch},
                 {"decode_step_ms_p50", r.step_ms},
                 {"decode_tokens_per_s", r.tokens_per_s},
                 {"kv_bytes_per_token_effective", probe["kv_policy"]["bytes_per_token_effective"]},
                 {"kv_tokens_per_replica", s["kv_cache"]["tokens_per_replica"]},
                 {"preemptions", s["preemptions"]},
                 {"output_tokens_per_s_with_prefill", s["output_tokens_per_s"]}};
    return r;
}

Reproduction run_shadowkv() {
    Reproduction out;
    out.baseline = "full attention with the whole KV cache on the GPU, at the largest batch it fits";
    out.assumptions = {
        {"model / hardware",
         "llama-3.1-8b on one a100-sxm-80gb (the paper's Llama-3-8B-1M and Llama-3.1-8B share this architecture: 32 "
         "layers, 8 KV heads of 128; the A100's PCIe 4.0 x16 host link, 32 GB/s per direction)"},
        {"policy",
         "shadowkv defaults: rank 160, 1.56% budget, 8-token chunks, 0.3% outliers, 60% of the selected KV reused "
         "from the previous step (the paper's settings and its stated 60% cut in fetching)"},
        {"workload",
         fmt::format("{} prompt + {} output tokens (the paper's 122K setting; its output length is not in the "
                     "abstract), as many requests as the KV capacity holds, all queued at t=0",
                     kPromptTokens, kOutputTokens)},
        {"metric",
         "decode throughput at each side's max batch: batch / median time between tokens (the decode step once every "
         "prompt is prefilled); prefill is excluded, as in the paper's generation throughput"},
    };
    const Json base = {{"model", "llama-3.1-8b"},
                       {"hardware", "a100-sxm-80gb"},
                       {"qps", "inf"},
                       {"lengths", fmt::format("fixed:{}:{}", kPromptTokens, kOutputTokens)},
                       {"max-model-len", kPromptTokens + kOutputTokens},
                       {"max-batch", 256},
                       {"kv-dtype", "fp16"}};
    Json shadow = base;
    shadow["kv-policy"] = "shadowkv";
    const DecodeRun f = decode_at_max_batch(base, "shadowkv full");
    const DecodeRun s = decode_at_max_batch(shadow, "shadowkv");
    out.simulated = s.tokens_per_s / f.tokens_per_s;
    out.runs.push_back(run_entry("full attention", base, f.figures));
    out.runs.push_back(run_entry("ShadowKV", shadow, s.figures));
    const double batch_ratio = static_cast<double>(s.batch) / static_cast<double>(f.batch);
    out.explanation = fmt::format(
        "The GPU holds {:.0f} bytes per token under ShadowKV against 131,072 in full (low-rank keys, landmarks, "
        "outliers and the selected budget), so the max batch grows {:.2f}x ({} -> {}; the claim: up to 6x). A decode "
        "step at that batch takes {:.1f} ms against {:.1f} ms for full attention at {}: each layer fetches the "
        "refreshed budget's values over PCIe (the largest part of the step) while reading about 8% of the context "
        "(budget, landmarks, outliers) instead of all of it, so throughput rises {:.2f}x ({:.0f} -> {:.0f} tokens/s). "
        "Above the paper's 3.04x: the baseline here fits {} sequences, not the 4 that 80 GiB less the weights would "
        "hold, as the "
        "engine keeps 10% of memory and an activation workspace; and the fetch is priced at the link's full 32 GB/s "
        "with landmark scoring, top-k, gathering and re-rotating the rebuilt keys folded into one attention read, "
        "where the paper's kernels pay launches and scattered 8-token copies.",
        s.figures["kv_bytes_per_token_effective"].get<double>(), batch_ratio, f.batch, s.batch, s.step_ms, f.step_ms,
        f.batch, out.simulated, f.tokens_per_s, s.tokens_per_s, f.batch);
    return out;
}

}  // namespace

Scenario shadowkv_scenario() {
    Scenario s;
    s.name = "shadowkv-llama-3-8b-a100";
    s.paper = "ShadowKV (Sun et al., ICML 2025)";
    s.claim = "up to 6x larger batch sizes and up to 3.04x throughput on an A100 without sacrificing accuracy";
    s.range = {3.04, 3.04, "x"};
    s.run = run_shadowkv;
    return s;
}

}  // namespace llmsim::tools::reproduce
