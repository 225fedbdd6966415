#include "sim/cost/framework_overhead.hpp"

#include "common/error.hpp"
#include "common/nearest.hpp"
#include "common/strings.hpp"

namespace llmsim::sim {

const std::vector<FrameworkOverheadPreset>& framework_overhead_presets() {
    // vLLM v0 figures: medians of SCHEDULE + SAMPLER_E2E + PREPARE_INPUTS_E2E + PROCESS_MODEL_OUTPUTS (+ RAY_COMM_TIME
    // with TP > 1) in Vidur's measured CPU-overhead profile (microsoft/vidur data/profiling/a100/cpu_overheads.csv
    // @0633efae: Llama-2-7B, CodeLlama-34B and Llama-2-70B on A100, TP 1-4, batch 8..64), fitted as a line in the
    // batch size and pooled over models: TP1 1.2 ms + 0.12 ms/seq; TP>1 3.7 ms + 0.24 ms/seq (Ray workers).
    static const std::vector<FrameworkOverheadPreset> presets = {
        {"none", "no host overhead (GPU-bound upper bound)", {"none", 0, 0, 0, 0, "-"}},
        {"vllm-v0",
         "vLLM v0 / Sarathi-Serve Python engine: 1.2 ms + 0.12 ms per sequence; 3.7 ms + 0.24 ms/seq with Ray TP "
         "workers",
         {"vllm-v0", 1.2e6, 0.12e6, 2.5e6, 0.12e6,
          "Vidur cpu_overheads.csv (A100; Llama-2-7B, CodeLlama-34B, Llama-2-70B; TP 1-4; batch 8-64), linear fit"}},
        {"cpp",
         "compiled C++ runtime with CUDA graphs (TensorRT-LLM, LMDeploy TurboMind): host work overlaps the GPU",
         {"cpp", 0, 0, 0, 0,
          "host scheduling overlaps device execution; kernel launch costs are in the hardware profile"}},
    };
    return presets;
}

FrameworkOverhead parse_framework_overhead(const std::string& text, const std::string& where) {
    for (const auto& p : framework_overhead_presets()) {
        if (p.name == text) return p.overhead;
    }
    const auto parts = split(text, ':');
    if (parts.size() <= 2) {
        const auto fixed = parse_double(parts[0]);
        const auto per_seq = parts.size() == 2 ? parse_double(parts[1]) : std::optional<double>(0.0);
        if (fixed && per_seq && *fixed >= 0 && *per_seq >= 0) {
            FrameworkOverhead o;
            o.name = text;
            o.per_iteration_ns = *fixed * 1e3;
            o.per_seq_ns = *per_seq * 1e3;
            o.source = "user";
            return o;
        }
    }
    std::vector<std::string> names;
    for (const auto& p : framework_overhead_presets())
        names.push_back(p.name);
    throw UsageError(where, unknown_name_message("framework overhead", text, names) +
                                " or FIXED_US[:PER_SEQ_US] with non-negative numbers");
}

}  // namespace llmsim::sim
