#pragma once
// Host-side cost of one serving iteration (scheduling, input preparation, sampling, output processing) that the
// GPU kernels do not account for. Zero overhead is known to under-predict TTFT badly for Python engines.
//
// The model of an engine's loop: each step the host spends a fixed part, a part per running sequence (sampling,
// output processing) and a part per scheduled token (input ids, positions, slot mappings), plus extra per-step and
// per-sequence work when the replica spans GPUs (worker RPC). Engines with asynchronous scheduling (vLLM V1 async
// scheduling, SGLang's overlap scheduler, C++ runtimes) prepare step n+1 while the GPU runs step n, so only the part
// of the host work longer than the previous step's device time is exposed; the others pay it all, serially.
#include <cstdint>
#include <string>
#include <vector>

namespace llmsim::sim {

struct FrameworkOverhead {
    std::string name;
    double per_iteration_ns = 0;
    double per_seq_ns = 0;              // grows with sequences in the batch (sampling, detokenisation)
    double per_token_ns = 0;            // grows with scheduled tokens (input preparation)
    double multi_gpu_iteration_ns = 0;  // extra per iteration when the replica spans GPUs (worker RPC)
    double multi_gpu_per_seq_ns = 0;
    bool overlapped = false;  // host work of the next step runs while the device executes the current one
    std::string source;

    [[nodiscard]] double iteration_ns(int32_t seqs, int64_t tokens, int32_t gpus) const {
        double ns = per_iteration_ns + per_seq_ns * seqs + per_token_ns * static_cast<double>(tokens);
        if (gpus > 1) ns += multi_gpu_iteration_ns + multi_gpu_per_seq_ns * seqs;
        return ns;
    }
    [[nodiscard]] bool is_zero() const {
        return per_iteration_ns == 0 && per_seq_ns == 0 && per_token_ns == 0 && multi_gpu_iteration_ns == 0 &&
               multi_gpu_per_seq_ns == 0;
    }
};

struct FrameworkOverheadPreset {
    std::string name;
    std::string description;
    FrameworkOverhead overhead;
};

// The largest host time accepted for any one term, per step: beyond it a value is a typo, not an engine.
inline constexpr double kMaxHostOverheadUs = 10e6;

const std::vector<FrameworkOverheadPreset>& framework_overhead_presets();
// A preset name, or "FIXED_US[:PER_SEQ_US[:PER_TOKEN_US]][,overlap]" (e.g. "500:20", "300:5:0.2,overlap");
// errors name `where`.
FrameworkOverhead parse_framework_overhead(const std::string& text, const std::string& where);

}  // namespace llmsim::sim
