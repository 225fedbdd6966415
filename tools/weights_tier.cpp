#include "tools/weights_tier.hpp"

#include <cmath>

#include "common/bounded.hpp"
#include "common/strings.hpp"
#include "common/units.hpp"
#include "models/weight_offload.hpp"

namespace llmsim::tools {
namespace {

const char* const kForm =
    "expected flash:dram=SIZE[,read=PRESET|RATE|CURVE.json,load=sparse|naive,sparsity=F,window=K,bundle=on|off,"
    "predictor=F,window-exp=G]";

bool on_off(std::string_view v, const std::string& where, ErrorKind kind) {
    if (v == "on") return true;
    if (v == "off") return false;
    throw_error(kind, where, "expected on or off, got '" + clip_for_message(v) + "'");
}

}  // namespace

sim::FlashWeights make_flash_weights(const std::string& text, const std::string& where, ErrorKind kind,
                                     const models::ModelSpec& model, const models::Precision& prec,
                                     const models::InferenceParallel& par, const hardware::DeviceSpec& device) {
    const std::string_view t = trim(text);
    if (!starts_with(t, "flash:")) throw_error(kind, where, "'" + clip_for_message(t) + "': " + kForm);
    models::WeightOffloadSpec spec;
    std::string read = hardware::kDefaultFlashCurve;
    bool dram_given = false;
    std::vector<std::string> sparse_keys;
    for (std::string_view item : split(t.substr(6), ',')) {
        item = trim(item);
        const size_t eq = item.find('=');
        if (eq == std::string_view::npos) throw_error(kind, where, "'" + clip_for_message(item) + "': " + kForm);
        const std::string key(trim(item.substr(0, eq)));
        const std::string_view value = trim(item.substr(eq + 1));
        const std::string at = where + " " + key;
        if (key == "dram") {
            spec.dram_budget_bytes = units::parse_bytes(value, at);
            if (!(spec.dram_budget_bytes > 0)) throw_error(kind, at, "must be > 0, got '" + std::string(value) + "'");
            dram_given = true;
        } else if (key == "read") {
            read = std::string(value);
        } else if (key == "load") {
            if (value != "sparse" && value != "naive") {
                throw_error(kind, at, "expected sparse or naive, got '" + clip_for_message(value) + "'");
            }
            spec.sparse = value == "sparse";
        } else if (key == "sparsity") {
            spec.active_fraction = parse_real_in(value, at, kFraction, kind);
            sparse_keys.push_back(key);
        } else if (key == "window") {
            spec.window_tokens = static_cast<int32_t>(parse_int_in(value, at, {0, models::kMaxWindowTokens}, kind));
            sparse_keys.push_back(key);
        } else if (key == "bundle") {
            spec.bundle = on_off(value, at, kind);
            sparse_keys.push_back(key);
        } else if (key == "predictor") {
            spec.predictor_fraction = parse_real_in(value, at, {0.0, 1.0, false}, kind);
            sparse_keys.push_back(key);
        } else if (key == "window-exp") {
            spec.window_exponent = parse_real_in(value, at, {0.0, 1.0, false}, kind);
            sparse_keys.push_back(key);
        } else {
            throw_error(kind, where, "unknown key '" + clip_for_message(key) + "' (" + kForm + ")");
        }
    }
    if (!dram_given) throw_error(kind, where, "dram=SIZE is required (" + std::string(kForm) + ")");
    if (!spec.sparse && !sparse_keys.empty()) {
        throw_error(kind, where + " " + sparse_keys.front(),
                    "has no effect with load=naive (it reads every "
                    "non-resident weight)");
    }
    if (spec.dram_budget_bytes > device.memory_bytes) {
        throw_error(kind, where + " dram",
                    units::format_bytes(spec.dram_budget_bytes) + " is larger than " + device.id + "'s memory (" +
                        units::format_bytes(device.memory_bytes) + ")");
    }
    if (par.gpus() != 1) {
        throw_error(kind, where,
                    "a flash weights tier serves one device (tp=1, pp=1), got tp=" + std::to_string(par.tp) +
                        " pp=" + std::to_string(par.pp));
    }
    hardware::FlashReadCurve curve = hardware::resolve_flash_curve(read, where + " read");
    models::WeightOffloadPlan plan(model, prec, spec, where);
    // A GPU computes from its own memory: what flash delivers to host DRAM then crosses the host link.
    const double host_link = device.kind == "cpu" ? 0.0 : device.host.bandwidth_bytes_per_s;
    if (device.kind != "cpu" && !(host_link > 0)) {
        throw_error(kind, where, device.id + " has no host link bandwidth in its profile to bring flash reads in");
    }
    return {std::move(plan), std::move(curve), host_link, device.memory_bandwidth_bytes_per_s};
}

OrderedJson flash_weights_json(const sim::FlashWeights& flash) {
    const models::WeightOffloadPlan& p = flash.plan();
    OrderedJson j;
    j["load"] = p.spec().sparse ? "sparse" : "naive";
    j["dram_budget_bytes"] = p.spec().dram_budget_bytes;
    j["model_bytes"] = p.model_bytes();
    j["resident_fraction"] = p.resident_fraction();
    j["flash_bytes_per_token"] = p.load_bytes(1);
    j["flash_ms_per_token"] = flash.pass_ns(1) * 1e-6;
    j["chunk_bytes"] = p.chunk_bytes();
    j["read_gb_per_s"] = flash.read_bytes_per_s() * 1e-9;
    j["host_link_gb_per_s"] =
        flash.host_link_bytes_per_s() > 0 ? OrderedJson(flash.host_link_bytes_per_s() * 1e-9) : OrderedJson();
    j["read_curve"] = flash.curve().name();
    if (p.spec().sparse) {
        j["sparsity"] = p.spec().active_fraction;
        j["window"] = p.spec().window_tokens;
        j["bundle"] = p.spec().bundle;
        j["predictor_bytes"] = p.predictor_bytes();
    }
    return j;
}

}  // namespace llmsim::tools
