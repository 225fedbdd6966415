#include "tools/disagg_setup.hpp"

#include <algorithm>
#include <set>

#include "common/error.hpp"
#include "common/nearest.hpp"
#include "common/strings.hpp"
#include "common/units.hpp"
#include "hardware/topology.hpp"

namespace llmsim::tools {
namespace {

// Settings that describe the disaggregated run as a whole, not one pool.
const std::set<std::string> kRunOnlyKeys = {"prefill-pool", "decode-pool", "kv-transfer", "kv-transfer-mode",
                                            "out",          "json",        "chrome-trace"};

Json parse_pool_spec(const std::string& text, const std::string& where) {
    Json settings = Json::object();
    const auto& keys = pool_spec_keys();
    for (std::string_view item : split(text, ',')) {
        item = trim(item);
        if (item.empty()) continue;
        const size_t eq = item.find('=');
        if (eq == std::string_view::npos) {
            throw UsageError(where,
                             "bad pool entry '" + std::string(item) + "' in '" + text + "' (expected KEY=VALUE)");
        }
        const std::string key(trim(item.substr(0, eq)));
        const std::string value(trim(item.substr(eq + 1)));
        if (std::find(keys.begin(), keys.end(), key) == keys.end()) {
            throw UsageError(where, "'" + text + "': " + unknown_name_message("pool key", key, keys));
        }
        if (value.empty()) throw UsageError(where, "'" + text + "': pool key '" + key + "' has no value");
        if (settings.contains(key)) throw UsageError(where, "'" + text + "': pool key '" + key + "' given twice");
        settings[key] = value;
    }
    if (!settings.contains("replicas")) settings["replicas"] = "1";
    return settings;
}

// A pool's settings: the run's own (less the run-only keys and those the SPEC sets), then the SPEC's.
void resolve_pool(const RunConfig& cfg, const std::string& key, RunConfig& pool_cfg) {
    const std::string where = cfg.where(key);
    const std::string text = cfg.text(key);
    const Json spec = parse_pool_spec(text, where);
    Json settings = Json::object();
    const OrderedJson user = cfg.user_json();
    for (const auto& [k, v] : user.items()) {
        if (kRunOnlyKeys.count(k) == 0 && !spec.contains(k)) settings[k] = Json::parse(v.dump());
    }
    for (const auto& [k, v] : spec.items())
        settings[k] = v;
    pool_cfg.resolve_from_json(settings, where);
}

ServingSetup make_pool_setup(RunConfig& pool_cfg, const std::string& where, const std::string& text) {
    try {
        return make_serving_setup(pool_cfg);
    } catch (const Error& e) {
        // Say which pool: the inner message names the setting that failed.
        throw UsageError(where, "'" + text + "': " + e.what());
    }
}

int32_t gpus_of(const ServingSetup& s) {
    return s.cost->deployment().gpus();
}

}  // namespace

const std::vector<std::string>& pool_spec_keys() {
    static const std::vector<std::string> keys = {"replicas",
                                                  "hardware",
                                                  "tp",
                                                  "pp",
                                                  "ep",
                                                  "engine",
                                                  "scheduler",
                                                  "max-batch",
                                                  "max-batch-tokens",
                                                  "chunk-size",
                                                  "gpu-memory-utilization",
                                                  "dtype",
                                                  "kv-dtype"};
    return keys;
}

bool wants_disaggregation(const RunConfig& cfg) {
    const bool prefill = cfg.has("prefill-pool");
    const bool decode = cfg.has("decode-pool");
    if (prefill != decode) {
        throw UsageError(cfg.where(prefill ? "prefill-pool" : "decode-pool"),
                         std::string("needs ") + (prefill ? "--decode-pool" : "--prefill-pool") +
                             " too (disaggregation is a prefill pool and a decode pool)");
    }
    if (!prefill) {
        for (const char* key : {"kv-transfer", "kv-transfer-mode"}) {
            if (cfg.has(key)) {
                throw UsageError(cfg.where(key), "has no effect without --prefill-pool and --decode-pool");
            }
        }
    }
    return prefill;
}

DisaggSetup make_disagg_setup(RunConfig& cfg, ServingSetup& prefill) {
    cfg.set_default("kv-transfer", "auto");
    cfg.set_default("kv-transfer-mode", "whole");
    DisaggSetup d;
    resolve_pool(cfg, "prefill-pool", d.prefill_cfg);
    resolve_pool(cfg, "decode-pool", d.decode_cfg);
    prefill = make_pool_setup(d.prefill_cfg, cfg.where("prefill-pool"), cfg.text("prefill-pool"));
    d.decode = make_pool_setup(d.decode_cfg, cfg.where("decode-pool"), cfg.text("decode-pool"));
    if (prefill.cost->deployment().model.id != d.decode.cost->deployment().model.id) {
        throw UsageError(cfg.where("decode-pool"), "both pools must serve the same model");
    }

    const std::string mode = cfg.text("kv-transfer-mode");
    if (mode != "whole" && mode != "layerwise") {
        throw UsageError(cfg.where("kv-transfer-mode"), "expected whole or layerwise, got '" + mode + "'");
    }
    d.transfer.mode = mode == "layerwise" ? sim::KvTransferMode::layerwise : sim::KvTransferMode::whole;
    const int32_t gpus_p = gpus_of(prefill);
    const int32_t gpus_d = gpus_of(d.decode);
    // Every GPU of the prefill replica holds its shard of the KV (its heads, its layers).
    d.transfer.kv_bytes_per_token = prefill.kv.kv_bytes_per_token_per_gpu * gpus_p;
    d.transfer.layers = std::max(1, prefill.cost->deployment().model.num_layers);
    // Under a KV policy the prefill replica holds (and sends) only what the policy retains. An offloaded cache's
    // values sit in the prefill host's memory; moving them between hosts is not modelled.
    d.transfer.retention = prefill.cost->deployment().kv_retention;
    if (d.transfer.retention.rebuild_rank > 0) {
        throw UsageError(cfg.where("kv-policy"), "'" + cfg.text("kv-policy") +
                                                     "' keeps values in host memory; its transfer between prefill "
                                                     "and decode pools is not modelled");
    }

    // The topology: prefill replicas' GPUs first, then the decode replicas', in nodes of the device's size. One
    // device type in one node talks over NVLink; otherwise (two device types, or more GPUs than a node) over the
    // NICs (InfiniBand / the profile's inter-node link), one per GPU.
    const hardware::DeviceSpec& dev_p = prefill.device;
    const hardware::DeviceSpec& dev_d = d.decode.device;
    const int32_t reps_p = prefill.cluster.replicas;
    const int32_t reps_d = d.decode.cluster.replicas;
    const int32_t total_gpus = reps_p * gpus_p + reps_d * gpus_d;
    const bool same_device = dev_p.id == dev_d.id;
    const std::string bw_text = cfg.text("kv-transfer");
    std::optional<double> given;
    if (bw_text != "auto") {
        given = units::parse_bytes_per_s(bw_text, cfg.where("kv-transfer"));
        if (!(*given > 0)) {
            throw UsageError(cfg.where("kv-transfer"),
                             "must be > 0 (auto or a bandwidth such as 50GB/s), got '" + bw_text + "'");
        }
    }
    std::vector<sim::KvPath> paths(static_cast<size_t>(reps_p) * reps_d);
    if (same_device && total_gpus <= std::max(1, dev_p.devices_per_node)) {
        // One node: NVLink (or the profile's intra-node link).
        const hardware::Link& l = dev_p.intra_node;
        if (!given && l.bandwidth_bytes_per_s <= 0) {
            throw UsageError(cfg.where("kv-transfer"),
                             "auto: " + dev_p.id + " has no intra-node link bandwidth; give a BANDWIDTH");
        }
        d.link = {"nvlink", l.bandwidth_bytes_per_s, l.latency_ns};
        for (auto& p : paths)
            p = {0, l.bandwidth_bytes_per_s * gpus_p, l.bandwidth_bytes_per_s * gpus_d, l.latency_ns};
    } else if (same_device) {
        // Several nodes of one device type: the Boost.Graph topology gives each pair's path.
        hardware::TopologySpec ts = hardware::topology_from_device(dev_p);
        if (!given && ts.nic_bytes_per_s <= 0) {
            throw UsageError(cfg.where("kv-transfer"),
                             "auto: " + dev_p.id + " has no inter-node link bandwidth; give a BANDWIDTH");
        }
        if (ts.nic_bytes_per_s <= 0) ts.nic_bytes_per_s = *given;  // only the latency is used then
        if (ts.nvlink_bytes_per_s <= 0) ts.nvlink_bytes_per_s = ts.nic_bytes_per_s;
        const hardware::Topology topo(ts, total_gpus);
        for (int32_t i = 0; i < reps_p; ++i) {
            for (int32_t j = 0; j < reps_d; ++j) {
                const int32_t a = i * gpus_p;
                const int32_t b = reps_p * gpus_p + j * gpus_d;
                const hardware::PathInfo path = topo.path(a, b);
                const int32_t link_class = topo.node_of(a) == topo.node_of(b) ? 0 : 1;
                paths[static_cast<size_t>(i) * reps_d + j] = {link_class, path.bandwidth_bytes_per_s * gpus_p,
                                                              path.bandwidth_bytes_per_s * gpus_d,
                                                              static_cast<int64_t>(path.latency_ns)};
            }
        }
        const sim::KvPath& last = paths.back();
        d.link = {last.link_class == 0 ? "nvlink" : "network", last.sender_bytes_per_s / gpus_p, last.latency_ns};
    } else {
        // Two device types live in different nodes: each side's NICs, the slower setting the pace per GPU.
        const double per_gpu = std::min(dev_p.inter_node.bandwidth_bytes_per_s, dev_d.inter_node.bandwidth_bytes_per_s);
        if (!given && per_gpu <= 0) {
            throw UsageError(cfg.where("kv-transfer"), "auto: " + dev_p.id + " or " + dev_d.id +
                                                           " has no inter-node link bandwidth; give a BANDWIDTH");
        }
        const int64_t latency = std::max(dev_p.inter_node.latency_ns, dev_d.inter_node.latency_ns);
        d.link = {"network", per_gpu, latency};
        for (auto& p : paths)
            p = {1, dev_p.inter_node.bandwidth_bytes_per_s * gpus_p, dev_d.inter_node.bandwidth_bytes_per_s * gpus_d,
                 latency};
    }
    if (given) {
        // A given bandwidth is each replica's, per direction; the latency stays the topology's.
        d.link.kind = "given";
        d.link.bytes_per_s_per_gpu = 0;
        for (auto& p : paths) {
            p.sender_bytes_per_s = *given;
            p.receiver_bytes_per_s = *given;
        }
    }
    d.transfer.path = [paths, reps_d](int32_t /*pp*/, int32_t pr, int32_t /*dp*/, int32_t dr) {
        return paths[static_cast<size_t>(pr) * reps_d + dr];
    };
    return d;
}

}  // namespace llmsim::tools
