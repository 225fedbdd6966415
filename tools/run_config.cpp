#include "tools/run_config.hpp"

#include <CLI/CLI.hpp>
#include <cmath>
#include <limits>

#include "common/bounded.hpp"
#include "common/error.hpp"
#include "common/limits.hpp"
#include "common/nearest.hpp"
#include "common/strings.hpp"
#include "policies/engine/engine_preset.hpp"

namespace llmsim::tools {
namespace {

std::string canonical(std::string key) {
    for (char& c : key) {
        if (c == '_') c = '-';
    }
    return key;
}

const SettingInfo* find_setting(const std::string& key) {
    for (const auto& s : run_settings()) {
        if (s.key == key) return &s;
    }
    return nullptr;
}

}  // namespace

const std::vector<SettingInfo>& run_settings() {
    static const std::vector<SettingInfo> settings = {
        {"model", SettingKind::text, "model preset id or path to a Hugging Face config.json", "llama-2-7b"},
        {"hardware", SettingKind::text, "hardware preset id/alias or path to a profile JSON", "a100-sxm-80gb"},
        {"dtype", SettingKind::text,
         "fp16 | bf16 | fp8 (weights, GEMMs and KV cache) | fp4 (weights and GEMMs; fp8 KV cache) | int8 | int4 "
         "(weight-only)",
         "fp16"},
        {"kv-dtype", SettingKind::text,
         "KV-cache dtype: fp16 | bf16 | fp8 | int8 | int4 | int2[:group=N,residual=R,outliers=F] (default: follows "
         "--dtype; docs/kv-policies.md)"},
        {"kv-policy", SettingKind::text,
         "KV eviction/compression: streaming | h2o | scissorhands | duo | razor | minicache [:k=v,...] (default: "
         "none; docs/kv-policies.md)"},
        {"tp", SettingKind::integer, "tensor parallel degree per replica", 1, {1, limits::kMaxParallelDegree}},
        {"pp", SettingKind::integer, "pipeline stages per replica", 1, {1, limits::kMaxParallelDegree}},
        {"ep", SettingKind::integer, "expert parallel degree (MoE models)", 1, {1, limits::kMaxParallelDegree}},
        {"replicas", SettingKind::integer, "number of replicas", 1, {1, limits::kMaxReplicas}},
        {"router", SettingKind::text, "round-robin | least-outstanding | least-tokens | prefix-aware[:k=v,...]",
         "round-robin"},
        {"engine", SettingKind::text,
         "engine preset: vllm | vllm-v0 | sglang | trtllm | lmdeploy | PATH.json (scheduler, limits, host loop, "
         "KV and kernel defaults; explicit flags override it; llmsim list engines)",
         policies::kDefaultEngine},
        {"scheduler", SettingKind::text, "vllm | sarathi | orca | static (default: the engine's)"},
        {"max-batch",
         SettingKind::integer,
         "max sequences per iteration (vLLM max_num_seqs; default: the engine's)",
         nullptr,
         {1, limits::kMaxBatchSeqs}},
        {"max-batch-tokens",
         SettingKind::integer,
         "max tokens per iteration (vLLM max_num_batched_tokens; default: the engine's)",
         nullptr,
         {1, limits::kMaxTokens}},
        {"chunk-size",
         SettingKind::integer,
         "Sarathi token budget per iteration (default: the engine's)",
         nullptr,
         {1, limits::kMaxTokens}},
        {"max-model-len",
         SettingKind::integer,
         "max prompt+output tokens per request (default: model context)",
         nullptr,
         {1, limits::kMaxTokens}},
        {"gpu-memory-utilization",
         SettingKind::number,
         "fraction of device memory for weights, activations and KV (default: the engine's)",
         nullptr,
         {},
         kFraction},
        {"block-size",
         SettingKind::integer,
         "KV-cache block size in tokens (default: the engine's)",
         nullptr,
         {1, limits::kMaxBlockTokens}},
        {"prefix-cache", SettingKind::text,
         "on | off: automatic prefix caching (hashed, shared, LRU-reused KV blocks; default: the engine's)"},
        {"kv-tiers", SettingKind::text,
         "KV tiers below HBM for evicted prefix blocks and swap space, fastest first, per replica: "
         "NAME=CAPACITY@BANDWIDTH,... e.g. dram=512GiB@64GB/s,ssd=4TB@7GB/s"},
        {"weights-tier", SettingKind::text,
         "weights beyond a memory budget stream from flash (LLM in a flash): flash:dram=SIZE[,read=m1-max|pm9a3|RATE|"
         "CURVE.json,load=sparse|naive,sparsity=F,window=K,bundle=on|off] (default: off; docs/flash-weights.md)"},
        {"kv-tier-load", SettingKind::text,
         "serial | layerwise: lower-tier hits load before the prefill, or overlap it layer by layer", "serial"},
        {"preemption", SettingKind::text, "recompute | swap, optionally :victim=newest|most-kv", "recompute"},
        {"spec-decode", SettingKind::text,
         "speculative decoding: draft:model=ID | eagle | mtp:depth=D | ngram, with gamma=N,alpha=A[,alpha_spread=S,"
         "max_batch=B] (default: off; llmsim list spec-decode)"},
        {"prefill-pool", SettingKind::text,
         "prefill/decode disaggregation: the prefill pool, replicas=N,hardware=ID,tp=N,pp=N,engine=NAME[,scheduler=,"
         "max-batch=,max-batch-tokens=,chunk-size=,gpu-memory-utilization=,dtype=,kv-dtype=] (other keys: the run's "
         "settings; needs --decode-pool)"},
        {"decode-pool", SettingKind::text, "disaggregation: the decode pool, same SPEC keys as --prefill-pool"},
        {"kv-transfer", SettingKind::text,
         "disaggregation: KV transfer bandwidth, auto (the topology: NVLink inside one node, else the NICs) or "
         "BANDWIDTH per replica per direction, e.g. 50GB/s (default: auto)"},
        {"kv-transfer-mode", SettingKind::text,
         "disaggregation: whole (KV moves after the prefill) | layerwise (each layer's KV streams as it is computed; "
         "default: whole)"},
        {"framework-overhead", SettingKind::text,
         "host overhead per iteration: engine | none | vllm-v0 | cpp | FIXED_US[:PER_SEQ_US[:PER_TOKEN_US]][,overlap] "
         "(default: engine, the engine preset's host-loop model)"},
        {"trace", SettingKind::text, "workload trace file (arrivals replayed when it has timestamps)"},
        {"workload", SettingKind::text,
         "inference-perf config (YAML) or llmsim workload JSON: load stages and data generator"},
        {"trace-format", SettingKind::text,
         "auto | vidur | azure | mooncake | splitwise | sharegpt-stats | burstgpt | llmservingsim", "auto"},
        {"num-requests",
         SettingKind::integer,
         "number of requests (synthetic default 1000)",
         nullptr,
         {1, limits::kMaxRequests}},
        {"qps",
         SettingKind::qps,
         "arrival rate in requests/s, or inf (all at t=0)",
         nullptr,
         {},
         {0.0, limits::kMaxRatePerS, true}},
        {"arrival", SettingKind::text, "poisson | gamma:CV | uniform"},
        {"lengths", SettingKind::text, "fixed:IN:OUT | trace:PATH | builtin:NAME | stats:PATH (a trace derive file) (default builtin:azure-conv-2023)"},
        {"slo-ttft-ms",
         SettingKind::number,
         "TTFT target for SLO attainment",
         nullptr,
         {},
         {0.0, limits::kMaxLatencyMs, true}},
        {"slo-tpot-ms",
         SettingKind::number,
         "TPOT target for SLO attainment",
         nullptr,
         {},
         {0.0, limits::kMaxLatencyMs, true}},
        {"price", SettingKind::text,
         "GPU prices in USD per GPU-hour replacing the hardware profiles' quotes: ID=USD[,ID=USD...], e.g. h100=2.49"},
        {"seed", SettingKind::integer, "random seed", 0, kNonNegative},
        {"out", SettingKind::text, "output directory (summary.json, requests.csv, config.resolved.json)"},
        {"chrome-trace", SettingKind::flag, "also write trace.json (Chrome/Perfetto timeline of batches) to --out",
         false},
        {"json", SettingKind::flag, "print exactly one JSON object on stdout", false},
    };
    return settings;
}

const SettingInfo& setting_info(const std::string& key) {
    const SettingInfo* s = find_setting(key);
    LLMSIM_ASSERT(s != nullptr, "unknown setting " + key);
    return *s;
}

void RunConfig::add_flags(CLI::App& cmd, const std::set<std::string>& except) {
    cmd.add_option("--config", config_path_, "JSON file with the same keys as the flags (flags override it)");
    for (const auto& s : run_settings()) {
        if (except.count(s.key) > 0) continue;
        if (s.kind == SettingKind::flag) {
            cmd.add_flag_function(
                "--" + s.key, [this, key = s.key](int64_t count) { flag_bools_[key] = count > 0; }, s.help);
        } else {
            auto* opt = cmd.add_option_function<std::string>(
                "--" + s.key, [this, key = s.key](const std::string& v) { flag_text_[key] = v; }, s.help);
            // --help shows the table's kind, range and default (values are still parsed once, in resolve()).
            switch (s.kind) {
                case SettingKind::integer:
                    opt->type_name("INT");
                    opt->description(s.help + " [" + describe(s.ints) + "]");
                    break;
                case SettingKind::number:
                    opt->type_name("FLOAT");
                    opt->description(s.help + " [" + describe(s.reals) + "]");
                    break;
                case SettingKind::qps:
                    opt->type_name("FLOAT|inf");
                    break;
                default:
                    opt->type_name("TEXT");
                    break;
            }
            if (!s.default_value.is_null()) {
                opt->default_str(s.default_value.is_string() ? s.default_value.get<std::string>()
                                                             : s.default_value.dump());
            }
        }
    }
}

void RunConfig::set_from_text(const std::string& key, const std::string& text, const std::string& where) {
    const SettingInfo* s = find_setting(key);
    LLMSIM_ASSERT(s != nullptr, "unknown setting " + key);
    // Flags are usage, config-file values input; both exit 2 naming `where` (the flag or the JSON pointer).
    const ErrorKind kind = starts_with(where, "--") ? ErrorKind::usage : ErrorKind::input;
    switch (s->kind) {
        case SettingKind::text:
            // An empty value would silently mean "not given" (--out '' writing nothing, --trace '' no trace).
            if (trim(text).empty()) throw_error(kind, where, "expected a value, got ''");
            values_[key] = text;
            break;
        case SettingKind::integer:
            values_[key] = parse_int_in(text, where, s->ints, kind);
            break;
        case SettingKind::number:
            values_[key] = parse_real_in(text, where, s->reals, kind);
            break;
        case SettingKind::qps: {
            const std::string t = to_lower(trim(text));
            if (t == "inf" || t == "infinity") {
                values_[key] = "inf";
                break;
            }
            const auto v = parse_double(text);
            if (!v || *v <= s->reals.min || *v > s->reals.max) {
                throw_error(kind, where,
                            "expected a rate " + describe(s->reals) + " or inf, got '" + clip_for_message(text) + "'");
            }
            values_[key] = *v;
            break;
        }
        case SettingKind::flag: {
            const std::string t = to_lower(text);
            if (t != "true" && t != "false") {
                throw_error(kind, where, "expected true or false, got '" + clip_for_message(text) + "'");
            }
            values_[key] = t == "true";
            break;
        }
    }
    where_[key] = where;
    user_set_[key] = true;
}

void RunConfig::set_defaults() {
    values_.clear();
    for (const auto& s : run_settings()) {
        if (!s.default_value.is_null()) values_[s.key] = s.default_value;
    }
    for (const auto& [k, v] : values_)
        where_[k] = "default";
}

void RunConfig::apply_json(const Json& cfg, const std::string& where) {
    if (!cfg.is_object()) throw InputError(where.substr(0, where.find('#')), "expected a JSON object of settings");
    std::vector<std::string> valid;
    for (const auto& s : run_settings())
        valid.push_back(s.key);
    for (const auto& [raw_key, value] : cfg.items()) {
        const std::string key = canonical(raw_key);
        const std::string w = where + "/" + raw_key;
        const SettingInfo* s = find_setting(key);
        if (s == nullptr) throw InputError(w, unknown_name_message("setting", raw_key, valid));
        if (value.is_null()) continue;
        if (value.is_string()) {
            set_from_text(key, value.get<std::string>(), w);
        } else if (value.is_boolean()) {
            if (s->kind != SettingKind::flag) throw InputError(w, "expected a value, got " + value.dump());
            values_[key] = value.get<bool>();
            where_[key] = w;
            user_set_[key] = true;
        } else if (value.is_number()) {
            if (s->kind == SettingKind::text || s->kind == SettingKind::flag) {
                throw InputError(w, "expected a string, got " + value.dump());
            }
            set_from_text(key,
                          // dump() keeps integers exact (an unsigned 2^64-1 must not wrap to -1 on the way).
                          value.is_number_integer() ? value.dump() : format_double(value.get<double>(), 17), w);
        } else {
            throw InputError(w, "expected a string, number or boolean, got " + value.dump());
        }
    }
}

void RunConfig::resolve_from_json(const Json& settings, const std::string& where) {
    set_defaults();
    apply_json(settings, where);
}

void RunConfig::resolve() {
    set_defaults();
    if (!config_path_.empty()) apply_json(load_json_file(config_path_), config_path_ + "#");
    for (const auto& [key, text] : flag_text_)
        set_from_text(key, text, "--" + key);
    for (const auto& [key, on] : flag_bools_) {
        values_[key] = on;
        where_[key] = "--" + key;
        user_set_[key] = true;
    }
}

bool RunConfig::has(const std::string& key) const {
    return values_.count(key) > 0 && !values_.at(key).is_null();
}

std::string RunConfig::text(const std::string& key) const {
    LLMSIM_ASSERT(has(key), "setting " + key + " has no value");
    const Json& v = values_.at(key);
    return v.is_string() ? v.get<std::string>() : v.dump();
}

int64_t RunConfig::integer(const std::string& key) const {
    LLMSIM_ASSERT(has(key), "setting " + key + " has no value");
    return values_.at(key).get<int64_t>();
}

double RunConfig::number(const std::string& key) const {
    LLMSIM_ASSERT(has(key), "setting " + key + " has no value");
    const Json& v = values_.at(key);
    if (v.is_string() && v.get<std::string>() == "inf") return std::numeric_limits<double>::infinity();
    return v.get<double>();
}

bool RunConfig::flag(const std::string& key) const {
    return has(key) && values_.at(key).get<bool>();
}

std::optional<std::string> RunConfig::opt_text(const std::string& key) const {
    if (!has(key)) return std::nullopt;
    return text(key);
}
std::optional<int64_t> RunConfig::opt_integer(const std::string& key) const {
    if (!has(key)) return std::nullopt;
    return integer(key);
}
std::optional<double> RunConfig::opt_number(const std::string& key) const {
    if (!has(key)) return std::nullopt;
    return number(key);
}

void RunConfig::set_default(const std::string& key, const Json& value) {
    if (user_set(key)) return;
    values_[key] = value;
    where_[key] = "default";
}

OrderedJson RunConfig::resolved_json() const {
    OrderedJson out;
    for (const auto& s : run_settings()) {
        if (s.key == "json") continue;
        auto it = values_.find(s.key);
        out[s.key] = it == values_.end() ? OrderedJson() : OrderedJson(it->second);
    }
    return out;
}

OrderedJson RunConfig::user_json() const {
    OrderedJson out = OrderedJson::object();
    for (const auto& s : run_settings()) {
        auto it = values_.find(s.key);
        if (user_set(s.key) && it != values_.end() && !it->second.is_null()) out[s.key] = OrderedJson(it->second);
    }
    return out;
}

std::string RunConfig::where(const std::string& key) const {
    auto it = where_.find(key);
    return it == where_.end() || it->second == "default" ? "--" + key : it->second;
}

}  // namespace llmsim::tools
