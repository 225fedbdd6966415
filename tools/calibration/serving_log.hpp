#pragma once
// Measured serving runs for engine calibration (llmsim calibrate --serving-log). One format today: summary rows of
// inference-perf experiments (one row per experiment x scope: "summary", "stage_0", "stage_1", ...), the columns of
// inference-perf's per-experiment summaries (docs/engines.md): the server flags (model, tp, max_num_seqs,
// max_num_batched_tokens, max_model_len), the client config (load_type, stages_rate_rps, stages_duration_s "a|b",
// data_type shared_prefix with its lengths and enable_multi_turn_chat) and the measured means (ttft_mean_s, e2e_mean_s)
// with the failure count. Each experiment becomes a replayable run: its flags and an inference-perf config written from
// the columns.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace llmsim::tools {

struct ServingTarget {
    int32_t stage = -1;  // load stage, -1 for the whole run ("summary")
    double ttft_mean_ms = 0;
    double e2e_mean_ms = 0;
    bool saturated = false;  // the run failed requests or queued for seconds: a saturation check, not a target
    std::string where;       // file:line
};

struct ServingExperiment {
    std::string name;  // exp_dir
    std::string where;
    std::string model;  // llmsim model id (or config path)
    int64_t tp = 1;
    int64_t max_num_seqs = 0;
    int64_t max_num_batched_tokens = 0;
    int64_t max_model_len = 0;
    std::string workload_yaml;  // inference-perf config for the replay
    std::string replay_note;    // how the client was replayed (e.g. single-turn, and why)
    std::vector<ServingTarget> targets;
};

// `models` maps the log's model names (e.g. "meta-llama/Llama-2-7b-hf") to llmsim ids; names not in it match the
// preset whose id the lower-cased name (without the organisation) starts with, longest first. Missing columns,
// bad values and unknown models are InputErrors naming the file, line and column.
std::vector<ServingExperiment> read_serving_log(const std::string& path,
                                                const std::map<std::string, std::string>& models);

}  // namespace llmsim::tools
