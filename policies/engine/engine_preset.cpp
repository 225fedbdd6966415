#include "policies/engine/engine_preset.hpp"

#include <cmath>
#include <filesystem>

#include "common/embedded_data.hpp"
#include "common/error.hpp"
#include "common/nearest.hpp"
#include "common/strings.hpp"
#include "policies/scheduler/scheduler_registry.hpp"

namespace llmsim::policies {
namespace {

constexpr const char* kPresetDir = "policies/engine/presets/";
constexpr int64_t kSchemaVersion = 1;

// A non-negative finite number no larger than `max`, or an error naming the key's JSON pointer.
double bounded(JsonObjectReader& r, const std::string& key, double max, double fallback) {
    const auto v = r.opt_number(key);
    if (!v) return fallback;
    if (!std::isfinite(*v) || *v < 0 || *v > max) {
        throw InputError(r.where(key),
                         "expected a number in [0, " + format_double(max, 6) + "], got " + format_double(*v, 6));
    }
    return *v;
}

int64_t bounded_int(JsonObjectReader& r, const std::string& key, int64_t min, int64_t max) {
    const int64_t v = r.get_int(key);
    if (v < min || v > max) {
        throw InputError(r.where(key), "expected a whole number in [" + std::to_string(min) + ", " +
                                           std::to_string(max) + "], got " + std::to_string(v));
    }
    return v;
}

std::string required_source(JsonObjectReader& r) {
    if (!r.has("source")) throw InputError(r.where("source"), "missing 'source': say where the figures come from");
    std::string s = r.get_string("source");
    if (trim(s).empty()) throw InputError(r.where("source"), "'source' is empty: say where the figures come from");
    return s;
}

bool flag(JsonObjectReader& r, const std::string& key, bool fallback) {
    return r.opt_bool(key).value_or(fallback);
}

void read_scheduler(const Json& j, const std::string& where, EnginePreset& e) {
    if (!j.is_object()) throw InputError(where, "expected an object");
    JsonObjectReader r(j, where);
    e.scheduler = r.get_string("policy");
    (void)scheduler_registry().get(e.scheduler, r.where("policy"));
    const Json& rows = r.get("limits");
    if (!rows.is_array() || rows.empty()) {
        throw InputError(r.where("limits"), "expected a non-empty array of limit rows");
    }
    for (size_t i = 0; i < rows.size(); ++i) {
        const std::string w = r.where("limits") + "/" + std::to_string(i);
        if (!rows[i].is_object()) throw InputError(w, "expected an object");
        JsonObjectReader row(rows[i], w);
        EngineLimitRow l;
        l.min_device_memory_gib = bounded(row, "min_device_memory_gib", 1e6, 0);
        l.unless_device = row.opt_string("unless_device").value_or("");
        l.max_num_seqs = static_cast<int32_t>(bounded_int(row, "max_num_seqs", 1, 1 << 20));
        l.max_num_batched_tokens = bounded_int(row, "max_num_batched_tokens", 1, int64_t{1} << 30);
        if (row.has("chunk_size")) l.chunk_size = bounded_int(row, "chunk_size", 1, int64_t{1} << 30);
        row.finish();
        e.limits.push_back(l);
    }
    const EngineLimitRow& last = e.limits.back();
    if (last.min_device_memory_gib > 0 || !last.unless_device.empty()) {
        throw InputError(r.where("limits") + "/" + std::to_string(rows.size() - 1),
                         "the last limits row must have no conditions (it applies when no other row does)");
    }
    e.scheduler_source = required_source(r);
    r.finish();
}

void read_kv_cache(const Json& j, const std::string& where, EnginePreset& e) {
    if (!j.is_object()) throw InputError(where, "expected an object");
    JsonObjectReader r(j, where);
    e.block_size = static_cast<int32_t>(bounded_int(r, "block_size", 1, 1 << 16));
    e.prefix_caching = flag(r, "prefix_caching", false);
    e.gpu_memory_utilization = bounded(r, "gpu_memory_utilization", 1.0, 0.9);
    if (e.gpu_memory_utilization <= 0) throw InputError(r.where("gpu_memory_utilization"), "must be > 0");
    const std::string dtype = r.opt_string("dtype").value_or("model");
    if (dtype == "model") {
        e.kv_dtype = KvDtypeRule::model;
    } else if (dtype == "activations") {
        e.kv_dtype = KvDtypeRule::activations;
    } else if (dtype == "fp8-with-fp8-weights") {
        e.kv_dtype = KvDtypeRule::fp8_with_fp8_weights;
    } else {
        throw InputError(r.where("dtype"),
                         "expected 'model', 'activations' or 'fp8-with-fp8-weights', got '" + dtype + "'");
    }
    e.kv_cache_source = required_source(r);
    r.finish();
}

void read_host(const Json& j, const std::string& where, EnginePreset& e) {
    if (!j.is_object()) throw InputError(where, "expected an object");
    JsonObjectReader r(j, where);
    sim::FrameworkOverhead& h = e.host;
    constexpr double kMax = sim::kMaxHostOverheadUs;
    h.name = e.id;
    h.per_iteration_ns = bounded(r, "per_step_us", kMax, 0) * 1e3;
    h.per_seq_ns = bounded(r, "per_seq_us", kMax, 0) * 1e3;
    h.per_token_ns = bounded(r, "per_token_us", kMax, 0) * 1e3;
    h.multi_gpu_iteration_ns = bounded(r, "multi_gpu_per_step_us", kMax, 0) * 1e3;
    h.multi_gpu_per_seq_ns = bounded(r, "multi_gpu_per_seq_us", kMax, 0) * 1e3;
    h.overlapped = flag(r, "overlap", false);
    h.source = required_source(r);
    r.finish();
}

void read_front_end(const Json& j, const std::string& where, EnginePreset& e) {
    if (!j.is_object()) throw InputError(where, "expected an object");
    JsonObjectReader r(j, where);
    constexpr double kMax = sim::kMaxHostOverheadUs;
    e.front_end.ingress_ns = bounded(r, "ingress_us", kMax, 0) * 1e3;
    e.front_end.ingress_per_prompt_token_ns = bounded(r, "ingress_per_prompt_token_us", 1e3, 0) * 1e3;
    e.front_end.egress_ns = bounded(r, "egress_us", kMax, 0) * 1e3;
    e.front_end_source = required_source(r);
    r.finish();
}

void read_kernels(const Json& j, const std::string& where, EnginePreset& e) {
    if (!j.is_object()) throw InputError(where, "expected an object");
    JsonObjectReader r(j, where);
    sim::KernelExecution& k = e.kernels;
    k.graph_max_tokens = r.has("cuda_graph_max_tokens") ? bounded_int(r, "cuda_graph_max_tokens", 0, 1 << 20) : 0;
    k.memory_efficiency_ceiling = bounded(r, "memory_efficiency_ceiling", 1.0, 0);
    k.gqa_packed_decode = flag(r, "gqa_packed_decode", false);
    const std::string ar = r.opt_string("all_reduce").value_or("nccl");
    if (ar == "nccl") {
        k.all_reduce = sim::AllReduceImpl::nccl;
    } else if (ar == "custom") {
        k.all_reduce = sim::AllReduceImpl::custom;
    } else {
        throw InputError(r.where("all_reduce"), "expected 'nccl' or 'custom', got '" + ar + "'");
    }
    e.kernels_source = required_source(r);
    r.finish();
}

std::vector<std::string> names_of(const std::vector<EnginePreset>& presets) {
    std::vector<std::string> names;
    for (const auto& p : presets) {
        names.push_back(p.id);
        for (const auto& a : p.aliases)
            names.push_back(a);
    }
    return names;
}

std::string kv_dtype_rule_name(KvDtypeRule r) {
    switch (r) {
        case KvDtypeRule::model:
            return "model";
        case KvDtypeRule::activations:
            return "activations";
        case KvDtypeRule::fp8_with_fp8_weights:
            return "fp8-with-fp8-weights";
    }
    return "model";
}

}  // namespace

const EngineLimitRow& EnginePreset::limits_for(const std::string& device_id, double device_memory_bytes) const {
    LLMSIM_ASSERT(!limits.empty(), "engine preset " + id + " has no limits");
    const double gib = device_memory_bytes / (1024.0 * 1024.0 * 1024.0);
    for (const auto& row : limits) {
        if (gib < row.min_device_memory_gib) continue;
        if (!row.unless_device.empty() && device_id.find(row.unless_device) != std::string::npos) continue;
        return row;
    }
    return limits.back();
}

EnginePreset parse_engine_preset(const Json& j, const std::string& file) {
    if (!j.is_object()) throw InputError(file, "expected a JSON object (an engine preset)");
    JsonObjectReader r(j, file + "#");
    const int64_t version = r.get_int("schema_version");
    if (version != kSchemaVersion) {
        throw InputError(r.where("schema_version"),
                         "unsupported schema_version " + std::to_string(version) + " (expected 1)");
    }
    EnginePreset e;
    e.path = file;
    e.id = r.get_string("id");
    if (e.id.empty()) throw InputError(r.where("id"), "must not be empty");
    if (const Json* aliases = r.find("aliases")) {
        if (!aliases->is_array()) throw InputError(r.where("aliases"), "expected an array of strings");
        for (const auto& a : *aliases) {
            if (!a.is_string()) throw InputError(r.where("aliases"), "expected an array of strings");
            e.aliases.push_back(a.get<std::string>());
        }
    }
    e.name = r.get_string("name");
    e.description = r.opt_string("description").value_or("");
    e.source = required_source(r);
    read_scheduler(r.get("scheduler"), r.where("scheduler"), e);
    read_kv_cache(r.get("kv_cache"), r.where("kv_cache"), e);
    read_host(r.get("host"), r.where("host"), e);
    if (const Json* fe = r.find("front_end")) read_front_end(*fe, r.where("front_end"), e);
    if (const Json* k = r.find("kernels")) read_kernels(*k, r.where("kernels"), e);
    r.finish();
    return e;
}

const std::vector<EnginePreset>& engine_presets() {
    static const std::vector<EnginePreset> presets = [] {
        std::vector<EnginePreset> out;
        for (const auto& f : embedded_files_under(kPresetDir)) {
            const std::string path(f.path);
            out.push_back(parse_engine_preset(parse_json_text(std::string(f.text), path), path));
        }
        return out;
    }();
    return presets;
}

EnginePreset resolve_engine(const std::string& name_or_path, const std::string& where) {
    for (const auto& p : engine_presets()) {
        if (p.id == name_or_path) return p;
        for (const auto& a : p.aliases) {
            if (a == name_or_path) return p;
        }
    }
    const bool looks_like_path = name_or_path.find('/') != std::string::npos ||
                                 (name_or_path.size() > 5 && name_or_path.substr(name_or_path.size() - 5) == ".json");
    if (looks_like_path) {
        if (!is_regular_file_path(name_or_path)) {
            throw UsageError(where, "engine file '" + name_or_path + "' does not exist or is not a regular file");
        }
        return parse_engine_preset(load_json_file(name_or_path), name_or_path);
    }
    throw UsageError(where, unknown_name_message("engine", name_or_path, names_of(engine_presets())) +
                                " or a path to an engine JSON file");
}

OrderedJson engine_preset_to_json(const EnginePreset& e) {
    OrderedJson j;
    j["schema_version"] = kSchemaVersion;
    j["id"] = e.id;
    if (!e.aliases.empty()) j["aliases"] = e.aliases;
    j["name"] = e.name;
    if (!e.description.empty()) j["description"] = e.description;
    j["source"] = e.source;
    OrderedJson limits = OrderedJson::array();
    for (const auto& l : e.limits) {
        OrderedJson row;
        if (l.min_device_memory_gib > 0) row["min_device_memory_gib"] = l.min_device_memory_gib;
        if (!l.unless_device.empty()) row["unless_device"] = l.unless_device;
        row["max_num_seqs"] = l.max_num_seqs;
        row["max_num_batched_tokens"] = l.max_num_batched_tokens;
        if (l.chunk_size > 0) row["chunk_size"] = l.chunk_size;
        limits.push_back(row);
    }
    auto or_top = [&e](const std::string& s) { return s.empty() ? e.source : s; };
    j["scheduler"] = {{"policy", e.scheduler}, {"limits", limits}, {"source", or_top(e.scheduler_source)}};
    j["kv_cache"] = {{"block_size", e.block_size},
                     {"prefix_caching", e.prefix_caching},
                     {"gpu_memory_utilization", e.gpu_memory_utilization},
                     {"dtype", kv_dtype_rule_name(e.kv_dtype)},
                     {"source", or_top(e.kv_cache_source)}};
    j["host"] = {{"per_step_us", e.host.per_iteration_ns * 1e-3},
                 {"per_seq_us", e.host.per_seq_ns * 1e-3},
                 {"per_token_us", e.host.per_token_ns * 1e-3},
                 {"multi_gpu_per_step_us", e.host.multi_gpu_iteration_ns * 1e-3},
                 {"multi_gpu_per_seq_us", e.host.multi_gpu_per_seq_ns * 1e-3},
                 {"overlap", e.host.overlapped},
                 {"source", or_top(e.host.source)}};
    j["front_end"] = {{"ingress_us", e.front_end.ingress_ns * 1e-3},
                      {"ingress_per_prompt_token_us", e.front_end.ingress_per_prompt_token_ns * 1e-3},
                      {"egress_us", e.front_end.egress_ns * 1e-3},
                      {"source", or_top(e.front_end_source)}};
    j["kernels"] = {{"cuda_graph_max_tokens", e.kernels.graph_max_tokens},
                    {"memory_efficiency_ceiling", e.kernels.memory_efficiency_ceiling},
                    {"gqa_packed_decode", e.kernels.gqa_packed_decode},
                    {"all_reduce", std::string(sim::all_reduce_impl_name(e.kernels.all_reduce))},
                    {"source", or_top(e.kernels_source)}};
    return j;
}

}  // namespace llmsim::policies
