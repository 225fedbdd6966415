#pragma once
// Host-side cost of one serving iteration (scheduling, input preparation, sampling, output processing) that the
// GPU kernels do not account for. Zero overhead is known to under-predict TTFT badly for Python engines.
#include <string>
#include <vector>

namespace llmsim::sim {

struct FrameworkOverhead {
    std::string name;
    double per_iteration_ns = 0;
    double per_seq_ns = 0;              // grows with sequences in the batch (sampling, detokenisation)
    double multi_gpu_iteration_ns = 0;  // extra per iteration when the replica spans GPUs (worker RPC)
    double multi_gpu_per_seq_ns = 0;
    std::string source;

    [[nodiscard]] double iteration_ns(int32_t seqs, int32_t gpus) const {
        double ns = per_iteration_ns + per_seq_ns * seqs;
        if (gpus > 1) ns += multi_gpu_iteration_ns + multi_gpu_per_seq_ns * seqs;
        return ns;
    }
};

struct FrameworkOverheadPreset {
    std::string name;
    std::string description;
    FrameworkOverhead overhead;
};

const std::vector<FrameworkOverheadPreset>& framework_overhead_presets();
// A preset name, or "FIXED_US[:PER_SEQ_US]" (e.g. "500:20"); errors name `where`.
FrameworkOverhead parse_framework_overhead(const std::string& text, const std::string& where);

}  // namespace llmsim::sim
