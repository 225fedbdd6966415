// Schema facts (inference-perf config.py, read at the commit named in docs/workloads.md): top-level sections api,
// data, load, metrics, report, storage, server, tokenizer, circuit_breakers. load: type (constant | poisson |
// trace_replay | concurrent; default constant), interval (s between stages, default 1.0), stages [{rate > 0 (float),
// duration > 0 (int s)}], plus worker/sweep/trace settings. data: type (mock | shareGPT | synthetic | random |
// shared_prefix | ...), path, input_distribution/output_distribution {min 10, max 1024, mean 512, std_dev 200,
// total_count}, shared_prefix {num_groups 10, num_prompts_per_group 10, system_prompt_len 100, question_len 50,
// output_len 50, enable_multi_turn_chat false}.
#include "traces/inference_perf/config.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

#include "common/error.hpp"
#include "common/nearest.hpp"
#include "common/strings.hpp"

namespace llmsim::traces::inference_perf {
namespace {

constexpr int64_t max_count = 100'000'000;     // groups, prompts, total_count: beyond this a typo is likelier
constexpr int64_t max_tokens = 1'000'000'000;  // lengths fit int32 with room for multi-turn sums to be checked
constexpr double max_rate = 1e7;               // requests/s
constexpr int64_t max_duration_s = 365LL * 24 * 3600;

// ":line" (1-based) of a YAML mark, empty when the node has none.
std::string line_suffix(const YAML::Mark& mark) {
    std::string out;
    if (!mark.is_null()) {
        out += ':';
        out += std::to_string(mark.line + 1);
    }
    return out;
}

// Positions and typed values for one file; every message names "file:line key 'a.b'".
class Fields {
  public:
    explicit Fields(const std::string& path) : path_(path) {}

    [[nodiscard]] std::string where(const YAML::Node& node, const std::string& key) const {
        return path_ + line_suffix(node.Mark()) + " key '" + key + "'";
    }

    // Unknown keys are errors; `ignored` are real inference-perf keys llmsim accepts without modelling.
    void check_keys(const YAML::Node& map, const std::string& prefix, const std::vector<std::string>& known,
                    const std::vector<std::string>& ignored = {}) const {
        std::vector<std::string> all = known;
        all.insert(all.end(), ignored.begin(), ignored.end());
        for (auto it = map.begin(); it != map.end(); ++it) {
            const std::string key = it->first.Scalar();
            if (std::find(all.begin(), all.end(), key) != all.end()) continue;
            throw InputError(where(it->first, prefix + key), unknown_name_message("key", key, all));
        }
    }

    void expect_map(const YAML::Node& node, const std::string& key) const {
        if (!node.IsMap()) throw InputError(where(node, key), "bad value '" + text(node) + "' (expected a mapping)");
    }

    [[nodiscard]] int64_t integer(const YAML::Node& node, const std::string& key, int64_t lo, int64_t hi) const {
        const auto v = plain(node) ? parse_int(node.Scalar()) : std::nullopt;
        if (!v || *v < lo || *v > hi) {
            throw InputError(where(node, key), "bad value '" + text(node) + "' (expected an integer from " +
                                                   std::to_string(lo) + " to " + std::to_string(hi) + ")");
        }
        return *v;
    }

    // A finite number in [lo, hi] (or (lo, hi] when lo_open).
    [[nodiscard]] double number(const YAML::Node& node, const std::string& key, double lo, double hi,
                                bool lo_open = false) const {
        const auto v = plain(node) ? parse_double(node.Scalar()) : std::nullopt;
        if (!v || !std::isfinite(*v) || (lo_open ? *v <= lo : *v < lo) || *v > hi) {
            throw InputError(where(node, key), "bad value '" + text(node) + "' (expected a number " +
                                                   (lo_open ? "above " : "from ") + format_double(lo) + " to " +
                                                   format_double(hi) + ")");
        }
        return *v;
    }

    // YAML 1.1 booleans as PyYAML (inference-perf's loader) reads them.
    [[nodiscard]] bool boolean(const YAML::Node& node, const std::string& key) const {
        const std::string s = plain(node) ? to_lower(node.Scalar()) : std::string();
        if (s == "true" || s == "yes" || s == "on") return true;
        if (s == "false" || s == "no" || s == "off") return false;
        throw InputError(where(node, key), "bad value '" + text(node) + "' (expected true or false)");
    }

    [[nodiscard]] std::string string(const YAML::Node& node, const std::string& key) const {
        if (!node.IsScalar()) throw InputError(where(node, key), "bad value '" + text(node) + "' (expected a string)");
        return node.Scalar();
    }

    static std::string text(const YAML::Node& node) {
        if (node.IsScalar()) return excerpt(node.Scalar());
        if (node.IsNull()) return "null";
        YAML::Emitter out;
        out << YAML::Flow << node;
        return excerpt(out.c_str());
    }

  private:
    // A plain (unquoted) scalar: a quoted "5" is a string where a number is expected.
    static bool plain(const YAML::Node& node) { return node.IsScalar() && node.Tag() != "!"; }

    static std::string excerpt(std::string_view s) {
        std::string out;
        for (char c : s.substr(0, 60))
            out += (c >= 0x20 && c < 0x7F) ? c : '?';
        return s.size() > 60 ? out + "..." : out;
    }

    const std::string& path_;
};

LoadConfig read_load(const Fields& f, const YAML::Node& node) {
    f.expect_map(node, "load");
    // Worker and client tuning that does not change when requests are scheduled.
    f.check_keys(
        node, "load.", {"type", "interval", "stages"},
        {"num_workers", "worker_max_concurrency", "worker_max_tcp_connections", "circuit_breakers", "request_timeout"});
    LoadConfig load;
    if (const YAML::Node t = node["type"]) {
        const std::string type = f.string(t, "load.type");
        if (type == "constant") {
            load.type = LoadType::constant;
        } else if (type == "poisson") {
            load.type = LoadType::poisson;
        } else {
            throw InputError(f.where(t, "load.type"),
                             "bad value '" + type +
                                 "' (expected constant or poisson; inference-perf's trace_replay and concurrent "
                                 "load types are not supported, use --trace for replays)");
        }
    }
    if (const YAML::Node i = node["interval"]) load.interval_s = f.number(i, "load.interval", 0, 86400);
    const YAML::Node stages = node["stages"];
    if (!stages) throw InputError(f.where(node, "load"), "missing key 'stages' (expected a list of {rate, duration})");
    if (!stages.IsSequence() || stages.size() == 0) {
        throw InputError(f.where(stages, "load.stages"),
                         "bad value '" + Fields::text(stages) + "' (expected a non-empty list of {rate, duration})");
    }
    for (size_t i = 0; i < stages.size(); ++i) {
        const std::string key = "load.stages[" + std::to_string(i) + "]";
        const YAML::Node s = stages[i];
        f.expect_map(s, key);
        f.check_keys(s, key + ".", {"rate", "duration"});
        if (!s["rate"] || !s["duration"]) {
            throw InputError(f.where(s, key), std::string("missing key '") + (s["rate"] ? "duration" : "rate") +
                                                  "' (expected rate in requests/s and duration in s)");
        }
        StageConfig stage;
        stage.rate = f.number(s["rate"], key + ".rate", 0, max_rate, /*lo_open=*/true);
        stage.duration_s = f.integer(s["duration"], key + ".duration", 1, max_duration_s);
        stage.where = f.where(s, key);
        load.stages.push_back(stage);
    }
    return load;
}

IoDistribution read_distribution(const Fields& f, const YAML::Node& node, const std::string& key) {
    f.expect_map(node, key);
    f.check_keys(node, key + ".", {"min", "max", "mean", "std_dev", "total_count"});
    IoDistribution d;
    d.where = f.where(node, key);
    if (node["min"]) d.min = f.integer(node["min"], key + ".min", 1, max_tokens);
    if (node["max"]) d.max = f.integer(node["max"], key + ".max", 1, max_tokens);
    if (node["mean"]) d.mean = f.number(node["mean"], key + ".mean", 0, static_cast<double>(max_tokens));
    if (node["std_dev"]) d.std_dev = f.number(node["std_dev"], key + ".std_dev", 0, static_cast<double>(max_tokens));
    if (node["total_count"]) d.total_count = f.integer(node["total_count"], key + ".total_count", 1, max_count);
    if (d.min > d.max) {
        throw InputError(d.where, "min " + std::to_string(d.min) + " is above max " + std::to_string(d.max) +
                                      " (expected min <= max)");
    }
    if (d.mean < static_cast<double>(d.min) || d.mean > static_cast<double>(d.max)) {
        throw InputError(d.where, "mean " + format_double(d.mean) + " is outside [" + std::to_string(d.min) + ", " +
                                      std::to_string(d.max) + "] (expected min <= mean <= max)");
    }
    return d;
}

SharedPrefixConfig read_shared_prefix(const Fields& f, const YAML::Node& node) {
    const std::string key = "data.shared_prefix";
    f.expect_map(node, key);
    f.check_keys(node, key + ".",
                 {"num_groups", "num_prompts_per_group", "system_prompt_len", "question_len", "output_len",
                  "enable_multi_turn_chat"});
    SharedPrefixConfig c;
    c.where = f.where(node, key);
    const auto count = [&](const char* name, int64_t& out, int64_t lo, int64_t hi) {
        if (const YAML::Node v = node[name]) out = f.integer(v, key + "." + name, lo, hi);
    };
    count("num_groups", c.num_groups, 1, max_count);
    count("num_prompts_per_group", c.num_prompts_per_group, 1, max_count);
    count("system_prompt_len", c.system_prompt_len, 0, max_tokens);
    count("question_len", c.question_len, 1, max_tokens);
    count("output_len", c.output_len, 1, max_tokens);
    if (const YAML::Node v = node["enable_multi_turn_chat"]) {
        c.enable_multi_turn_chat = f.boolean(v, key + ".enable_multi_turn_chat");
    }
    if (c.num_groups * c.num_prompts_per_group > max_count) {
        throw InputError(c.where, std::to_string(c.num_groups) + " x " + std::to_string(c.num_prompts_per_group) +
                                      " prompts (expected at most " + std::to_string(max_count) + ")");
    }
    return c;
}

DataConfig read_data(const Fields& f, const YAML::Node& node) {
    f.expect_map(node, "data");
    // path: a ShareGPT file to read; llmsim ships ShareGPT length statistics instead (see docs/workloads.md).
    f.check_keys(node, "data.", {"type", "input_distribution", "output_distribution", "shared_prefix"}, {"path"});
    DataConfig d;
    d.where = f.where(node, "data");
    const YAML::Node t = node["type"];
    if (!t) throw InputError(d.where, "missing key 'type' (expected shared_prefix, random, synthetic or shareGPT)");
    d.type_name = f.string(t, "data.type");
    if (d.type_name == "shared_prefix") {
        d.type = DataType::shared_prefix;
    } else if (d.type_name == "random" || d.type_name == "synthetic") {
        d.type = DataType::random;  // synthetic draws the same length distributions; only its text differs
    } else if (d.type_name == "shareGPT" || d.type_name == "sharegpt") {
        d.type = DataType::sharegpt;
    } else {
        throw InputError(f.where(t, "data.type"),
                         "bad value '" + d.type_name + "' (expected shared_prefix, random, synthetic or shareGPT)");
    }
    if (const YAML::Node v = node["input_distribution"]) {
        d.input_distribution = read_distribution(f, v, "data.input_distribution");
    }
    if (const YAML::Node v = node["output_distribution"]) {
        d.output_distribution = read_distribution(f, v, "data.output_distribution");
    }
    if (const YAML::Node v = node["shared_prefix"]) d.shared_prefix = read_shared_prefix(f, v);
    if (d.type == DataType::shared_prefix && !node["shared_prefix"]) {
        throw InputError(d.where,
                         "missing key 'shared_prefix' (data.type shared_prefix needs num_groups, "
                         "num_prompts_per_group, system_prompt_len, question_len, output_len)");
    }
    if (d.type == DataType::random) {
        for (const auto* dist : {&d.input_distribution, &d.output_distribution}) {
            const char* name = dist == &d.input_distribution ? "input_distribution" : "output_distribution";
            if (!*dist) {
                throw InputError(d.where, std::string("missing key '") + name + "' (data.type " + d.type_name +
                                              " needs input_distribution and output_distribution)");
            }
            if (!(*dist)->total_count) {
                throw InputError((*dist)->where, "missing key 'total_count' (data.type " + d.type_name +
                                                     " draws total_count lengths and cycles through them)");
            }
        }
    }
    return d;
}

std::string read_file(const std::string& path) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) {
        throw InputError(path, "is a directory (expected an inference-perf config YAML or llmsim workload JSON)");
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw InputError(path,
                         "cannot open file for reading (expected an inference-perf config YAML or llmsim "
                         "workload JSON)");
    }
    std::ostringstream ss;
    ss << in.rdbuf();
    return std::move(ss).str();
}

}  // namespace

InferencePerfConfig read_inference_perf_config(const std::string& path) {
    return parse_inference_perf_config(read_file(path), path);
}

InferencePerfConfig parse_inference_perf_config(const std::string& text, const std::string& path) {
    YAML::Node root;
    try {
        root = YAML::Load(text);
    } catch (const YAML::Exception& e) {
        throw InputError(path + line_suffix(e.mark), "invalid YAML: " + e.msg);
    }
    const Fields f(path);
    if (!root.IsMap()) {
        throw InputError(path, "expected a mapping with 'load' and 'data' sections (an inference-perf config)");
    }
    // Sections that configure the client, server and reports, not the requests: accepted, not modelled.
    f.check_keys(root, "", {"load", "data"},
                 {"api", "server", "tokenizer", "report", "storage", "metrics", "circuit_breakers"});
    if (!root["load"]) throw InputError(path, "missing key 'load' (expected load.type and load.stages)");
    if (!root["data"]) throw InputError(path, "missing key 'data' (expected data.type and its generator settings)");
    InferencePerfConfig c;
    c.path = path;
    c.load = read_load(f, root["load"]);
    c.data = read_data(f, root["data"]);
    return c;
}

}  // namespace llmsim::traces::inference_perf
