#pragma once
// An inference-perf (kubernetes-sigs/inference-perf) benchmark config, reduced to what shapes the requests: the load
// stages and the data generator. Keys and defaults follow inference-perf's config.py (see docs/workloads.md for the
// version read); sections llmsim does not model (api, server, tokenizer, report, storage, metrics,
// circuit_breakers) are accepted and ignored. YAML is a superset of JSON, so llmsim workload JSON with the same
// keys reads the same way.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace llmsim::traces::inference_perf {

enum class LoadType { constant, poisson };

struct StageConfig {
    double rate = 0;         // requests/s, > 0
    int64_t duration_s = 0;  // whole seconds, > 0 (inference-perf's type)
    std::string where;       // "file:line key 'load.stages[i]'" for later messages
};

struct LoadConfig {
    LoadType type = LoadType::constant;
    double interval_s = 1.0;  // pause between stages
    std::vector<StageConfig> stages;
};

// inference-perf's Distribution: normal(mean, std_dev) clipped to [min, max] and rounded, total_count values.
struct IoDistribution {
    int64_t min = 10;
    int64_t max = 1024;
    double mean = 512;
    double std_dev = 200;
    std::optional<int64_t> total_count;
    std::string where;  // position of the distribution's key
};

struct SharedPrefixConfig {
    int64_t num_groups = 10;
    int64_t num_prompts_per_group = 10;
    int64_t system_prompt_len = 100;
    int64_t question_len = 50;
    int64_t output_len = 50;
    bool enable_multi_turn_chat = false;
    std::string where;
};

enum class DataType { shared_prefix, random, sharegpt };

struct DataConfig {
    DataType type = DataType::shared_prefix;
    std::string type_name;  // as written, for messages
    std::optional<IoDistribution> input_distribution;
    std::optional<IoDistribution> output_distribution;
    SharedPrefixConfig shared_prefix;
    std::string where;
};

struct InferencePerfConfig {
    std::string path;
    LoadConfig load;
    DataConfig data;
};

// Reads and validates the file. Every problem is an InputError naming "file:line key 'a.b.c'", the bad value and
// what was expected; a missing or unreadable file is an InputError naming the file.
InferencePerfConfig read_inference_perf_config(const std::string& path);
// The same from text already in memory; `path` names it in messages.
InferencePerfConfig parse_inference_perf_config(const std::string& text, const std::string& path);

}  // namespace llmsim::traces::inference_perf
