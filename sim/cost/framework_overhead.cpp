#include "sim/cost/framework_overhead.hpp"

#include <cmath>

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
        {"none", "no host overhead (GPU-bound upper bound)", {"none", 0, 0, 0, 0, 0, false, "-"}},
        {"vllm-v0",
         "vLLM v0 / Sarathi-Serve Python engine: 1.2 ms + 0.12 ms per sequence; 3.7 ms + 0.24 ms/seq with Ray TP "
         "workers",
         {"vllm-v0", 1.2e6, 0.12e6, 0, 2.5e6, 0.12e6, false,
          "Vidur cpu_overheads.csv (A100; Llama-2-7B, CodeLlama-34B, Llama-2-70B; TP 1-4; batch 8-64), linear fit"}},
        {"cpp",
         "compiled C++ runtime with CUDA graphs (TensorRT-LLM, LMDeploy TurboMind): host work overlaps the GPU",
         {"cpp", 0, 0, 0, 0, 0, false,
          "host scheduling overlaps device execution; kernel launch costs are in the hardware profile"}},
    };
    return presets;
}

FrameworkOverhead parse_framework_overhead(const std::string& text, const std::string& where) {
    for (const auto& p : framework_overhead_presets()) {
        if (p.name == text) return p.overhead;
    }
    std::string numbers = text;
    bool overlapped = false;
    if (const size_t comma = text.find(','); comma != std::string::npos) {
        if (text.substr(comma + 1) != "overlap") {
            throw UsageError(where, "bad framework overhead '" + text + "': the only suffix is ',overlap'");
        }
        numbers = text.substr(0, comma);
        overlapped = true;
    }
    const auto parts = split(numbers, ':');
    if (parts.size() <= 3) {
        std::vector<double> us;
        for (const auto& part : parts) {
            const auto v = parse_double(part);
            if (!v || !std::isfinite(*v) || *v < 0 || *v > kMaxHostOverheadUs) break;
            us.push_back(*v);
        }
        if (us.size() == parts.size()) {
            FrameworkOverhead o;
            o.name = text;
            o.per_iteration_ns = us[0] * 1e3;
            o.per_seq_ns = us.size() > 1 ? us[1] * 1e3 : 0.0;
            o.per_token_ns = us.size() > 2 ? us[2] * 1e3 : 0.0;
            o.overlapped = overlapped;
            o.source = "user";
            return o;
        }
    }
    std::vector<std::string> names;
    for (const auto& p : framework_overhead_presets())
        names.push_back(p.name);
    throw UsageError(where, unknown_name_message("framework overhead", text, names) +
                                " or FIXED_US[:PER_SEQ_US[:PER_TOKEN_US]][,overlap] with numbers in [0, " +
                                format_double(kMaxHostOverheadUs, 6) + "] us");
}

}  // namespace llmsim::sim
