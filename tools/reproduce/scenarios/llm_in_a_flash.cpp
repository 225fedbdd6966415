// LLM in a flash (Alizadeh et al., ACL 2024): OPT-6.7B with about half of its weights in memory and the rest read
// from flash per token; sparse loading (predictor + windowing + row-column bundling) against naive loading, on a CPU
// host and on a GPU host.
#include <fmt/format.h>

#include <cmath>

#include "models/precision.hpp"
#include "models/presets.hpp"
#include "models/weight_offload.hpp"
#include "tools/reproduce/repro_runs.hpp"
#include "tools/reproduce/scenarios/scenario_list.hpp"

namespace llmsim::tools::reproduce {
namespace {

// The paper keeps "approximately half" of the model in DRAM and counts its own sparse setup at 52.1% of the model
// (Sec. 4.1); 53% leaves the window its room in this model's accounting (52.2%) without tuning anything else.
constexpr double kBudgetShareOfModel = 0.53;

struct Host {
    const char* hardware;
    const char* dtype;
    double weight_bytes_per_param;
};

std::string budget_for(const Host& h) {
    const auto model = models::resolve_model("opt-6.7b", "llm-in-a-flash");
    const double bytes = static_cast<double>(model.param_count()) * h.weight_bytes_per_param * kBudgetShareOfModel;
    return fmt::format("{:.0f}B", std::floor(bytes));
}

Json settings_for(const Host& h, const std::string& load) {
    std::string tier = "flash:dram=" + budget_for(h) + ",read=m1-max";
    if (load == "naive") tier += ",load=naive";
    return {{"model", "opt-6.7b"},  {"hardware", h.hardware},   {"dtype", h.dtype},
            {"weights-tier", tier}, {"max-batch", 1},           {"num-requests", 4},
            {"qps", "inf"},         {"lengths", "fixed:64:64"}, {"seed", 1}};
}

struct Pair {
    double naive_ms = 0;
    double sparse_ms = 0;
    OrderedJson naive_tier;
    OrderedJson sparse_tier;
};

Pair run_pair(const Host& h, Reproduction& r) {
    Pair p;
    for (const char* load : {"naive", "sparse"}) {
        const Json s = settings_for(h, load);
        const OrderedJson out = simulate(s, std::string("llm-in-a-flash ") + h.hardware + " " + load);
        const double tpot = out["tpot_ms"]["mean"].get<double>();
        const OrderedJson& tier = out["weights_tier"];
        (std::string(load) == "naive" ? p.naive_ms : p.sparse_ms) = tpot;
        (std::string(load) == "naive" ? p.naive_tier : p.sparse_tier) = tier;
        r.runs.push_back(run_entry(std::string(h.hardware) + " " + load, s,
                                   {{"tpot_ms_mean", tpot},
                                    {"flash_bytes_per_token", tier["flash_bytes_per_token"]},
                                    {"flash_ms_per_token", tier["flash_ms_per_token"]},
                                    {"read_gb_per_s", tier["read_gb_per_s"]},
                                    {"resident_fraction", tier["resident_fraction"]}}));
    }
    return p;
}

std::vector<std::pair<std::string, std::string>> common_assumptions(const Host& h) {
    return {
        {"model",
         fmt::format("opt-6.7b in {} (the paper's OPT-6.7B; ReLU FFN, so predicted sparsity applies)", h.dtype)},
        {"memory budget", fmt::format("{:.0f}% of the model's weights (the paper: about half, its own accounting "
                                      "52.1%), so the model is {:.2f}x the memory it runs in",
                                      100 * kBudgetShareOfModel, 1 / kBudgetShareOfModel)},
        {"flash", "m1-max read curve (the paper's device, Fig. 2b; 32 KiB point from Sec. 4.1)"},
        {"sparse loading",
         fmt::format("{:.0f}% of FFN neurons predicted active per token, window {} tokens (union {:.0f}% of the FFN, "
                     "incremental {:.1f}% per token), predictor {:.2f}% of the model, row-column bundling on",
                     100 * models::kDefaultActiveFraction, models::kDefaultWindowTokens,
                     100 * models::window_union_fraction(models::kDefaultActiveFraction, models::kDefaultWindowExponent,
                                                         models::kDefaultWindowTokens),
                     100 * models::window_new_fraction(models::kDefaultActiveFraction, models::kDefaultWindowExponent,
                                                       models::kDefaultWindowTokens, 1),
                     100 * models::kDefaultPredictorFraction)},
        {"naive loading",
         "the same budget holds a static part of the weights; every other weight is read each "
         "token in whole-matrix (sequential) reads"},
        {"workload",
         "4 requests of 64 prompt + 64 output tokens one at a time (max-batch 1); value = mean TPOT "
         "naive / mean TPOT sparse"},
        {"not modelled",
         "the paper's DRAM memory-management cost (neuron deletion and insertion, 65 ms per token "
         "on the M1 Max CPU in Sec. 4.1) and overlap of loads with compute"}};
}

Reproduction run_cpu() {
    const Host h{"laptop-ddr5", "fp32", 4.0};
    Reproduction r;
    r.baseline = "naive loading: every non-resident weight read from flash each token";
    r.assumptions = common_assumptions(h);
    r.assumptions.emplace_back("CPU",
                               "laptop-ddr5 (a DDR5 laptop CPU standing in for the M1 Max CPU; fp32 as the "
                               "paper's CPU runs, Sec. 4.1); flash reads land in the CPU's own DRAM");
    const Pair p = run_pair(h, r);
    r.simulated = p.naive_ms / p.sparse_ms;
    const double compute_ms = p.sparse_ms - p.sparse_tier["flash_ms_per_token"].get<double>();
    r.explanation = fmt::format(
        "Naive {:.0f} ms per token ({:.2f} GB read at {:.1f} GB/s), sparse {:.0f} ms ({:.0f} MB in {:.0f} KiB bundles "
        "at {:.1f} GB/s = {:.0f} ms, the rest compute and predictor). Flash time falls {:.1f}x; the CPU's own "
        "{:.0f} ms of memory-bound compute per token caps the end-to-end gain, as the paper's CPU-vs-GPU contrast "
        "says.",
        p.naive_ms, p.naive_tier["flash_bytes_per_token"].get<double>() * 1e-9,
        p.naive_tier["read_gb_per_s"].get<double>(), p.sparse_ms,
        p.sparse_tier["flash_bytes_per_token"].get<double>() * 1e-6, p.sparse_tier["chunk_bytes"].get<double>() / 1024,
        p.sparse_tier["read_gb_per_s"].get<double>(), p.sparse_tier["flash_ms_per_token"].get<double>(),
        p.naive_tier["flash_ms_per_token"].get<double>() / p.sparse_tier["flash_ms_per_token"].get<double>(),
        compute_ms);
    return r;
}

Reproduction run_gpu() {
    const Host h{"rtx-4090", "fp16", 2.0};
    Reproduction r;
    r.baseline = "naive loading: every non-resident weight read from flash each token, then sent over PCIe";
    r.assumptions = common_assumptions(h);
    r.assumptions.emplace_back("GPU",
                               "rtx-4090 (the paper's GPU host), fp16; resident weights in GPU memory, flash "
                               "reads staged in host DRAM and sent over the PCIe 4.0 host link (serial hops)");
    const Pair p = run_pair(h, r);
    r.simulated = p.naive_ms / p.sparse_ms;
    const double naive_flash = p.naive_tier["flash_ms_per_token"].get<double>();
    const double sparse_flash = p.sparse_tier["flash_ms_per_token"].get<double>();
    r.explanation = fmt::format(
        "Naive {:.0f} ms per token ({:.0f} ms of it loading {:.2f} GB), sparse {:.0f} ms ({:.0f} ms loading {:.0f} MB "
        "in {:.0f} KiB bundles at {:.1f} GB/s, {:.0f} ms the rest). The GPU computes fast, so the ratio is near the "
        "load-time ratio: "
        "bytes fall {:.0f}x but each read is a 16 KiB fp16 bundle, which the curve serves at {:.1f} GB/s against "
        "{:.1f} GB/s for the naive whole-matrix reads. Reaching 20-25x would need the 16 KiB reads about twice as "
        "fast as the Fig. 2b reading used here (or a naive baseline slower than sequential reads at the device's "
        "full rate); the paper's GPU-side read rates are not in the text this scenario works from.",
        p.naive_ms, naive_flash, p.naive_tier["flash_bytes_per_token"].get<double>() * 1e-9, p.sparse_ms, sparse_flash,
        p.sparse_tier["flash_bytes_per_token"].get<double>() * 1e-6, p.sparse_tier["chunk_bytes"].get<double>() / 1024,
        p.sparse_tier["read_gb_per_s"].get<double>(), p.sparse_ms - sparse_flash,
        p.naive_tier["flash_bytes_per_token"].get<double>() / p.sparse_tier["flash_bytes_per_token"].get<double>(),
        p.sparse_tier["read_gb_per_s"].get<double>(), p.naive_tier["read_gb_per_s"].get<double>());
    return r;
}

}  // namespace

Scenario llm_in_a_flash_scenario() {
    Scenario s;
    s.name = "llm-in-a-flash";
    s.paper = "LLM in a flash (Alizadeh et al., ACL 2024)";
    s.claim =
        "Models up to twice the available DRAM run 4-5x faster on CPU than with naive loading from flash "
        "(OPT-6.7B, half the model in DRAM)";
    s.range = {4.0, 5.0, "x"};
    s.run = run_cpu;
    return s;
}

Scenario llm_in_a_flash_gpu_scenario() {
    Scenario s;
    s.name = "llm-in-a-flash-gpu";
    s.paper = "LLM in a flash (Alizadeh et al., ACL 2024)";
    s.claim =
        "Models up to twice the available DRAM run 20-25x faster on GPU than with naive loading from flash "
        "(OPT-6.7B, half the model in memory)";
    s.range = {20.0, 25.0, "x"};
    s.run = run_gpu;
    return s;
}

}  // namespace llmsim::tools::reproduce
