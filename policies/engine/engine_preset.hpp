#pragma once
// Engine presets: what a serving engine (vLLM V1, vLLM v0, SGLang, TensorRT-LLM, LMDeploy TurboMind) brings to a
// deployment beyond the model and the device: its scheduler and default limits, KV-cache defaults, the model of
// its host loop (sim/cost/framework_overhead.hpp), its serving front end (sim/serving/cluster.hpp FrontEnd) and how
// it runs kernels (sim/cost/kernel_execution.hpp). Shipped presets are JSON files under policies/engine/presets/
// compiled into the binary; a user's file has the same schema (docs/engines.md). Explicit run flags override a
// preset's values; config.resolved.json records the result.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/json_io.hpp"
#include "sim/cost/framework_overhead.hpp"
#include "sim/cost/kernel_execution.hpp"
#include "sim/serving/cluster.hpp"

namespace llmsim::policies {

// The engine every command assumes unless told otherwise (run, cost, sweep): vLLM's V1 engine.
inline constexpr const char* kDefaultEngine = "vllm";

// Batching limits that depend on the device, as engines pick them: the first row whose conditions hold applies.
struct EngineLimitRow {
    double min_device_memory_gib = 0;  // the device must have at least this much memory
    std::string unless_device;         // ... and its id must not contain this ("" = any device)
    int32_t max_num_seqs = 0;
    int64_t max_num_batched_tokens = 0;
    int64_t chunk_size = 0;  // a chunking scheduler's token budget when it differs (0: max_num_batched_tokens)
    [[nodiscard]] int64_t token_budget() const { return chunk_size > 0 ? chunk_size : max_num_batched_tokens; }
};

// How the KV-cache dtype follows the weights when --kv-dtype is not given: "model" keeps what --dtype implies (FP8
// weights with an FP8 cache); "activations" stores KV in the activation dtype (vLLM and SGLang kv_cache_dtype auto:
// an FP8 checkpoint keeps a BF16 cache); "fp8-with-fp8-weights" stores KV in FP8 with an FP8 checkpoint
// (TensorRT-LLM's FP8 recipes quantise the KV cache with the weights).
enum class KvDtypeRule { model, activations, fp8_with_fp8_weights };

struct EnginePreset {
    std::string id;
    std::vector<std::string> aliases;
    std::string name;
    std::string description;
    std::string source;  // where the preset's figures come from (required)
    std::string path;    // file it was read from ("policies/engine/presets/vllm.json" when shipped)

    std::string scheduler;               // a name of the scheduler registry
    std::vector<EngineLimitRow> limits;  // the last row must be unconditional
    int32_t block_size = 16;
    bool prefix_caching = false;
    double gpu_memory_utilization = 0.9;
    KvDtypeRule kv_dtype = KvDtypeRule::model;
    sim::FrameworkOverhead host;  // host.source is the host section's source
    sim::FrontEnd front_end;
    sim::KernelExecution kernels;
    // Each section's own source (the host section's is host.source).
    std::string scheduler_source, kv_cache_source, front_end_source, kernels_source;

    // The limits row for a device.
    [[nodiscard]] const EngineLimitRow& limits_for(const std::string& device_id, double device_memory_bytes) const;
};

// Shipped presets, in file-name order.
const std::vector<EnginePreset>& engine_presets();
// A preset id or alias, or a path to an engine JSON file; errors name `where` (unknown names list the valid ones).
EnginePreset resolve_engine(const std::string& name_or_path, const std::string& where);
// Parses one engine JSON object; errors name `file` and the JSON pointer of the bad key.
EnginePreset parse_engine_preset(const Json& j, const std::string& file);
// The preset as JSON in the same schema (calibrate --serving-log writes fitted presets with it).
OrderedJson engine_preset_to_json(const EnginePreset& e);

}  // namespace llmsim::policies
