// KIVI (Liu et al., ICML 2024): 2-bit KV (keys per channel, values per token, group 32, a 128-token fp16 residual)
// lets Llama-2-7B run larger batches; the claim is the throughput gain on one GPU at the largest batch each fits.
#include <fmt/format.h>

#include "tools/reproduce/repro_runs.hpp"
#include "tools/reproduce/scenarios/scenario_list.hpp"

namespace llmsim::tools::reproduce {
namespace {

Reproduction run_kivi() {
    Reproduction out;
    out.baseline = "the same engine with a 16-bit KV cache";
    out.assumptions = {
        {"model / hardware", "llama-2-7b on one a100-sxm-80gb (the paper's Llama-2-7B on an 80 GB A100)"},
        {"KV format", "int2:group=32,residual=128 (KIVI-2's group size and residual length)"},
        {"workload",
         "3,000 requests all queued at t=0, 64 prompt + 384 output tokens (paper: short prompts, long "
         "generations; the exact lengths are not in the abstract)"},
        {"batch limit", "max-batch 4096: memory, not a sequence cap, limits each run, as in the paper's sweep"},
    };
    Json base = {{"model", "llama-2-7b"}, {"hardware", "a100-sxm-80gb"}, {"num-requests", 3000},
                 {"qps", "inf"},          {"lengths", "fixed:64:384"},   {"max-batch", 4096}};
    Json quant = base;
    quant["kv-dtype"] = "int2:group=32,residual=128";
    const OrderedJson f = simulate(base, "kivi fp16");
    const OrderedJson q = simulate(quant, "kivi int2");
    const double tps_f = f["output_tokens_per_s"].get<double>();
    const double tps_q = q["output_tokens_per_s"].get<double>();
    const double batch_f = f["batches"]["mean_batch_seqs"].get<double>();
    const double batch_q = q["batches"]["mean_batch_seqs"].get<double>();
    out.simulated = tps_q / tps_f;
    for (const auto& [label, settings, s] : {std::tuple{"fp16 KV", base, f}, std::tuple{"KIVI int2 KV", quant, q}}) {
        OrderedJson fig = {{"output_tokens_per_s", s["output_tokens_per_s"]},
                           {"mean_batch_seqs", s["batches"]["mean_batch_seqs"]},
                           {"kv_tokens_per_replica", s["kv_cache"]["tokens_per_replica"]},
                           {"preemptions", s["preemptions"]}};
        out.runs.push_back(run_entry(label, settings, fig));
    }
    out.explanation = fmt::format(
        "2-bit KV with fp16 scale and zero per 32 elements costs 3 bits per element (5.33x less than fp16), but the "
        "128-token fp16 residual is a large share of a 448-token request, so a request takes {:.2f}x less memory; the "
        "mean batch grows {:.2f}x ({:.0f} -> {:.0f}) and output throughput {:.2f}x. At several hundred sequences a "
        "7B decode step on an A100 is bound by its GEMMs' compute, not by KV reads, so a larger batch adds little; "
        "the paper's larger gain is measured against a HuggingFace baseline whose decode stays memory-bound.",
        (64.0 + 384) * 16 / ((64.0 + 384 - 128) * 3 + 128 * 16), batch_q / batch_f, batch_f, batch_q, out.simulated);
    return out;
}

}  // namespace

Scenario kivi_scenario() {
    Scenario s;
    s.name = "kivi-llama-2-7b";
    s.paper = "KIVI (Liu et al., ICML 2024)";
    s.claim = "2-bit KV enables up to 4x larger batch size, bringing 2.35x-3.47x throughput on real LLM workloads";
    s.range = {2.35, 3.47, "x"};
    s.run = run_kivi;
    return s;
}

}  // namespace llmsim::tools::reproduce
