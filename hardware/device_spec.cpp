#include "hardware/device_spec.hpp"

#include <algorithm>
#include <cmath>

#include "common/bounded.hpp"
#include "common/error.hpp"
#include "common/limits.hpp"
#include "common/nearest.hpp"
#include "common/strings.hpp"
#include "common/units.hpp"

namespace llmsim::hardware {
namespace {

// Physical ranges of a device profile's quantities: values below them (0 or 1e-300 FLOP/s, no bandwidth) would divide
// by zero or overflow simulated time downstream, and a kernel overhead beyond a second is no kernel. The upper ends
// only keep the arithmetic finite (the tests' "instant" device runs at 1e30 FLOP/s).
constexpr RealRange kPeakFlopsPerS{1e6, 1e40};        // from 1 MFLOP/s
constexpr RealRange kBandwidthBytesPerS{1e3, 1e40};   // from 1 kB/s
constexpr RealRange kCapacityBytes{1048576.0, 1e30};  // from 1 MiB
constexpr IntRange kOverheadNs{0, 1'000'000'000};     // a kernel launch or link latency of at most 1 s

double physical(double v, const std::string& where, RealRange r) {
    return check_real_in(v, where, r, ErrorKind::input);
}

Link link_from_json(const Json& j, const std::string& where) {
    JsonObjectReader r(j, where);
    Link l;
    l.kind = r.opt_string("kind").value_or("");
    if (auto bw = r.opt_string("bandwidth"))
        l.bandwidth_bytes_per_s =
            physical(units::parse_bytes_per_s(*bw, r.where("bandwidth")), r.where("bandwidth"), kBandwidthBytesPerS);
    if (auto lat = r.opt_string("latency")) {
        l.latency_ns = check_int_in(units::parse_duration_ns(*lat, r.where("latency")), r.where("latency"), kOverheadNs,
                                    ErrorKind::input);
    }
    l.source = r.opt_string("source").value_or("");
    r.allow({"devices_per_node", "note"});
    r.finish();
    return l;
}

Json link_to_json(const Link& l) {
    OrderedJson j;
    j["kind"] = l.kind;
    j["bandwidth"] = format_double(l.bandwidth_bytes_per_s / 1e9, 6) + "GB/s";
    j["latency"] = std::to_string(l.latency_ns) + "ns";
    if (!l.source.empty()) j["source"] = l.source;
    return j;
}

std::string quantity_string(const Json& j, const std::string& where) {
    if (!j.is_string()) {
        throw InputError(where, "expected a quantity string with a unit (e.g. \"80GB\"), got " + j.dump());
    }
    return j.get<std::string>();
}

KernelProfile kernel_from_json(const Json& j, const std::string& where, OpClass fallback_class) {
    JsonObjectReader r(j, where);
    KernelProfile k = default_kernel_profile(fallback_class);
    if (const Json* c = r.find("compute_efficiency_by_flops_per_row")) {
        k.compute_by_flops_per_row = EfficiencyCurve::from_json(*c, r.where("compute_efficiency_by_flops_per_row"));
    }
    if (const Json* m = r.find("memory_efficiency_by_bytes")) {
        k.memory_by_bytes = EfficiencyCurve::from_json(*m, r.where("memory_efficiency_by_bytes"));
    }
    if (auto o = r.opt_string("overhead")) {
        k.overhead_ns = check_int_in(units::parse_duration_ns(*o, r.where("overhead")), r.where("overhead"),
                                     kOverheadNs, ErrorKind::input);
    }
    if (auto o = r.opt_string("row_overhead")) {
        k.row_overhead_ns =
            physical(units::parse_duration_s(*o, r.where("row_overhead")) * 1e9, r.where("row_overhead"), {0.0, 1e9});
    }
    r.allow({"fit"});
    r.finish();
    return k;
}

std::map<CollectiveKind, std::vector<CollectiveProfile>> collectives_from_json(const Json& j,
                                                                               const std::string& where) {
    std::map<CollectiveKind, std::vector<CollectiveProfile>> out;
    if (!j.is_object()) throw InputError(where, "expected an object keyed by collective name");
    for (const auto& [name, list] : j.items()) {
        const std::string w = where + "/" + name;
        auto kind = collective_from_name(name);
        if (!kind) {
            throw InputError(
                w, unknown_name_message("collective", name,
                                        {"all_reduce", "all_gather", "reduce_scatter", "all_to_all", "send_recv"}));
        }
        if (!list.is_array()) throw InputError(w, "expected a list of per-group-size profiles");
        std::vector<CollectiveProfile> profiles;
        for (size_t i = 0; i < list.size(); ++i) {
            JsonObjectReader r(list[i], w + "/" + std::to_string(i));
            CollectiveProfile p;
            p.gpus = static_cast<int32_t>(r.get_int("gpus"));
            if (p.gpus < 2) throw InputError(r.where("gpus"), "group size must be >= 2");
            p.latency_ns = units::parse_duration_ns(r.get_string("latency"), r.where("latency"));
            p.bus_efficiency_by_bytes =
                EfficiencyCurve::from_json(r.get("bus_efficiency_by_bytes"), r.where("bus_efficiency_by_bytes"));
            r.allow({"fit"});
            r.finish();
            profiles.push_back(std::move(p));
        }
        std::sort(profiles.begin(), profiles.end(), [](auto& a, auto& b) { return a.gpus < b.gpus; });
        out[*kind] = std::move(profiles);
    }
    return out;
}

Json collectives_to_json(const std::map<CollectiveKind, std::vector<CollectiveProfile>>& m) {
    OrderedJson out = OrderedJson::object();
    for (const auto& [kind, profiles] : m) {
        OrderedJson list = OrderedJson::array();
        for (const auto& p : profiles) {
            OrderedJson e;
            e["gpus"] = p.gpus;
            e["latency"] = std::to_string(p.latency_ns) + "ns";
            e["bus_efficiency_by_bytes"] = p.bus_efficiency_by_bytes.to_json();
            list.push_back(e);
        }
        out[std::string(collective_name(kind))] = list;
    }
    return out;
}

constexpr std::array<std::pair<Provenance, std::string_view>, 4> kProvenanceNames{{
    {Provenance::measured, "measured"},
    {Provenance::partly_measured, "partly-measured"},
    {Provenance::transferred, "transferred"},
    {Provenance::default_curves, "default"},
}};

}  // namespace

std::string_view provenance_name(Provenance p) {
    for (const auto& [v, name] : kProvenanceNames) {
        if (v == p) return name;
    }
    return "?";
}

Provenance DeviceSpec::provenance() const {
    return calibration ? calibration->provenance : Provenance::default_curves;
}

KernelProfile default_kernel_profile(OpClass c) {
    // Round numbers typical of a well-tuned GPU stack; used only when a profile has no calibration for the class.
    KernelProfile k;
    switch (c) {
        case OpClass::gemm:
            k.compute_by_flops_per_row = EfficiencyCurve({{1e8, 0.1}, {1e10, 0.5}, {1e11, 0.7}});
            k.memory_by_bytes = EfficiencyCurve({{1e6, 0.3}, {1e8, 0.75}});
            k.overhead_ns = 4000;
            break;
        case OpClass::attn_prefill:
            k.compute_by_flops_per_row = EfficiencyCurve({{1e8, 0.1}, {1e10, 0.4}, {1e11, 0.55}});
            k.memory_by_bytes = EfficiencyCurve(0.7);
            k.overhead_ns = 6000;
            break;
        case OpClass::attn_decode:
            k.compute_by_flops_per_row = EfficiencyCurve(0.3);
            k.memory_by_bytes = EfficiencyCurve({{1e6, 0.2}, {1e8, 0.7}, {1e9, 0.85}});
            k.overhead_ns = 6000;
            break;
        case OpClass::elementwise:
        case OpClass::embedding:
            k.compute_by_flops_per_row = EfficiencyCurve(0.5);
            k.memory_by_bytes = EfficiencyCurve({{1e5, 0.05}, {1e7, 0.5}, {1e8, 0.8}});
            k.overhead_ns = 3000;
            break;
        case OpClass::collective:
            k.compute_by_flops_per_row = EfficiencyCurve(1.0);
            k.memory_by_bytes = EfficiencyCurve(1.0);
            k.overhead_ns = 0;
            break;
    }
    return k;
}

double DeviceSpec::peak(DType t, const std::string& where) const {
    auto it = peak_flops_per_s.find(t);
    if (it == peak_flops_per_s.end()) {
        throw UsageError(where, "device " + id + " has no " + std::string(dtype_name(t)) +
                                    " support (supported: " + supported_dtypes() + ")");
    }
    return it->second;
}

std::string DeviceSpec::supported_dtypes() const {
    std::string out;
    for (const auto& [t, v] : peak_flops_per_s) {
        if (!out.empty()) out += ", ";
        out += dtype_name(t);
    }
    return out;
}

DeviceSpec device_from_json(const Json& j, const std::string& where) {
    JsonObjectReader r(j, where);
    DeviceSpec d;
    const int64_t version = r.get_int("schema_version");
    if (version != kHardwareSchemaVersion) {
        throw InputError(r.where("schema_version"), "unsupported hardware profile schema version " +
                                                        std::to_string(version) + " (this llmsim reads version " +
                                                        std::to_string(kHardwareSchemaVersion) + ")");
    }
    d.id = r.get_string("id");
    if (const Json* a = r.find("aliases")) {
        for (const auto& x : *a)
            d.aliases.push_back(x.get<std::string>());
    }
    d.name = r.opt_string("name").value_or(d.id);
    d.kind = r.opt_string("kind").value_or("gpu");
    if (d.kind != "gpu" && d.kind != "cpu" && d.kind != "npu" && d.kind != "fpga") {
        throw InputError(r.where("kind"), unknown_name_message("device kind", d.kind, {"gpu", "cpu", "npu", "fpga"}));
    }
    d.source = r.opt_string("source").value_or("");
    {
        const std::string w = r.where("peak_flops");
        JsonObjectReader p(r.get("peak_flops"), w);
        for (DType t : kAllDTypes) {
            const std::string key(dtype_name(t));
            if (const Json* v = p.find(key)) {
                d.peak_flops_per_s[t] =
                    physical(units::parse_flops_per_s(quantity_string(*v, p.where(key)), p.where(key)), p.where(key),
                             kPeakFlopsPerS);
            }
        }
        p.finish();
        if (d.peak_flops_per_s.empty()) throw InputError(w, "no peak FLOP/s given for any dtype");
    }
    {
        JsonObjectReader m(r.get("memory"), r.where("memory"));
        d.memory_bytes =
            physical(units::parse_bytes(quantity_string(m.get("capacity"), m.where("capacity")), m.where("capacity")),
                     m.where("capacity"), kCapacityBytes);
        d.memory_bandwidth_bytes_per_s = physical(
            units::parse_bytes_per_s(quantity_string(m.get("bandwidth"), m.where("bandwidth")), m.where("bandwidth")),
            m.where("bandwidth"), kBandwidthBytesPerS);
        m.allow({"type"});
        m.finish();
        if (d.memory_bytes <= 0 || d.memory_bandwidth_bytes_per_s <= 0) {
            throw InputError(r.where("memory"), "capacity and bandwidth must be > 0");
        }
    }
    if (const Json* ic = r.find("interconnect")) {
        JsonObjectReader i(*ic, r.where("interconnect"));
        if (const Json* intra = i.find("intra_node")) {
            d.intra_node = link_from_json(*intra, i.where("intra_node"));
            if (intra->contains("devices_per_node")) {
                JsonObjectReader n(*intra, i.where("intra_node"));
                d.devices_per_node =
                    static_cast<int32_t>(check_int_in(n.get_int("devices_per_node"), n.where("devices_per_node"),
                                                      {1, limits::kMaxNodeGpus}, ErrorKind::input));
            }
        }
        if (const Json* inter = i.find("inter_node")) d.inter_node = link_from_json(*inter, i.where("inter_node"));
        if (const Json* host = i.find("host")) d.host = link_from_json(*host, i.where("host"));
        i.finish();
    }
    if (auto tdp = r.opt_string("tdp")) {
        d.tdp_watts = units::parse_watts(*tdp, r.where("tdp"));
        check_device_watts(d.tdp_watts, r.where("tdp"));
    }
    // Kind-specific sections: required for their kind, refused on any other.
    for (const char* kind : {"npu", "fpga"}) {
        const Json* section = r.find(kind);
        if (d.kind == kind && section == nullptr) {
            throw InputError(r.where(kind), std::string("a profile of kind ") + kind + " needs its \"" + kind +
                                                "\" section (docs/hardware.md#" + kind + ")");
        }
        if (section != nullptr && d.kind != kind) {
            throw InputError(r.where(kind), "given on a device of kind " + d.kind + " (only kind " + kind + ")");
        }
    }
    if (const Json* npu = r.find("npu")) {
        d.npu = npu_from_json(*npu, r.where("npu"));
        if (!d.supports(d.npu->matrix_dtype)) {
            throw InputError(r.where("npu") + "/matrix_dtype",
                             "the matrix dtype needs a peak in peak_flops (have: " + d.supported_dtypes() + ")");
        }
    }
    if (const Json* fpga = r.find("fpga")) {
        d.fpga = fpga_from_json(*fpga, r.where("fpga"));
        if (!d.supports(d.fpga->matrix_dtype)) {
            throw InputError(r.where("fpga") + "/matrix_dtype",
                             "the matrix dtype needs a peak in peak_flops (have: " + d.supported_dtypes() + ")");
        }
        // A DSP slice does at most 3 int8 multiply-accumulates per cycle (Versal DSP58), 6 ops.
        const double bound = d.fpga->dsp_count * d.fpga->clock_hz * 6.0;
        for (const auto& [t, v] : d.peak_flops_per_s) {
            if (v > bound * 1.0001) {
                throw InputError(r.where("peak_flops") + "/" + std::string(dtype_name(t)),
                                 "above what " + std::to_string(d.fpga->dsp_count) + " DSPs at " +
                                     format_double(d.fpga->clock_hz / 1e6, 6) + " MHz can do (" +
                                     format_double(bound / 1e12, 4) + " TOPS)");
            }
        }
    }
    if (const Json* power = r.find("power")) {
        d.power = power_from_json(*power, r.where("power"), d.tdp_watts, r.where("tdp"));
    }
    if (auto price = r.opt_number("price_per_hour_usd")) {
        if (!(*price > 0) || !std::isfinite(*price)) {
            throw InputError(r.where("price_per_hour_usd"), "expected a price in USD per GPU-hour > 0");
        }
        d.price_per_hour_usd = *price;
        // A price without its quote is not reproducible: name the vendor, the offer and the date.
        d.price_source = r.opt_string("price_source").value_or("");
        if (d.price_source.empty()) {
            throw InputError(r.where("price_source"), "a price_per_hour_usd needs its source and date");
        }
    } else if (r.find("price_source") != nullptr) {
        throw InputError(r.where("price_source"), "given without price_per_hour_usd");
    }
    if (const Json* cal = r.find("calibration")) {
        JsonObjectReader c(*cal, r.where("calibration"));
        CalibrationInfo info;
        info.source = c.opt_string("source").value_or("");
        info.command = c.opt_string("command").value_or("");
        if (auto p = c.opt_string("provenance")) {
            bool known = false;
            for (const auto& [v, name] : kProvenanceNames) {
                if (name == *p) {
                    info.provenance = v;
                    known = true;
                }
            }
            if (!known) {
                throw InputError(c.where("provenance"),
                                 unknown_name_message("provenance", *p,
                                                      {"measured", "partly-measured", "transferred", "default"}));
            }
        }
        if (const Json* rep = c.find("report")) info.report = *rep;
        if (const Json* kernels = c.find("kernels")) {
            const std::string kw = c.where("kernels");
            if (!kernels->is_object()) throw InputError(kw, "expected an object keyed by kernel class or op name");
            for (const auto& [name, prof] : kernels->items()) {
                // Op names (e.g. "rope") inherit defaults from the elementwise class.
                const OpClass cls = op_class_from_name(name).value_or(OpClass::elementwise);
                d.kernels[name] = kernel_from_json(prof, kw + "/" + name, cls);
            }
        }
        if (const Json* scale = c.find("dtype_compute_scale")) {
            for (const auto& [name, v] : scale->items()) {
                const DType t = parse_dtype(name, c.where("dtype_compute_scale") + "/" + name);
                if (!v.is_number() || v.get<double>() <= 0 || v.get<double>() > 2) {
                    throw InputError(c.where("dtype_compute_scale") + "/" + name, "expected a factor in (0, 2]");
                }
                d.dtype_compute_scale[t] = v.get<double>();
            }
        }
        if (const Json* coll = c.find("intra_node_collectives")) {
            d.intra_node_collectives = collectives_from_json(*coll, c.where("intra_node_collectives"));
        }
        if (const Json* coll = c.find("inter_node_collectives")) {
            d.inter_node_collectives = collectives_from_json(*coll, c.where("inter_node_collectives"));
        }
        c.finish();
        d.calibration = info;
    }
    r.allow({"notes"});
    r.finish();
    return d;
}

OrderedJson device_to_json(const DeviceSpec& d) {
    OrderedJson j;
    j["schema_version"] = kHardwareSchemaVersion;
    j["id"] = d.id;
    if (!d.aliases.empty()) j["aliases"] = d.aliases;
    j["name"] = d.name;
    j["kind"] = d.kind;
    j["source"] = d.source;
    OrderedJson peaks;
    for (const auto& [t, v] : d.peak_flops_per_s)
        peaks[std::string(dtype_name(t))] = format_double(v / 1e12, 6) + "TFLOPS";
    j["peak_flops"] = peaks;
    j["memory"] = {{"capacity", format_double(d.memory_bytes / 1e9, 6) + "GB"},
                   {"bandwidth", format_double(d.memory_bandwidth_bytes_per_s / 1e9, 6) + "GB/s"}};
    OrderedJson ic;
    OrderedJson intra = link_to_json(d.intra_node);
    intra["devices_per_node"] = d.devices_per_node;
    ic["intra_node"] = intra;
    ic["inter_node"] = link_to_json(d.inter_node);
    if (d.host.bandwidth_bytes_per_s > 0) ic["host"] = link_to_json(d.host);  // absent: the profile gave none
    j["interconnect"] = ic;
    j["tdp"] = format_double(d.tdp_watts, 6) + "W";
    if (d.power) j["power"] = power_to_json(*d.power);
    if (d.npu) j["npu"] = npu_to_json(*d.npu);
    if (d.fpga) j["fpga"] = fpga_to_json(*d.fpga);
    if (d.price_per_hour_usd) {
        j["price_per_hour_usd"] = *d.price_per_hour_usd;
        j["price_source"] = d.price_source;
    }
    if (d.calibration) {
        OrderedJson c;
        c["source"] = d.calibration->source;
        c["command"] = d.calibration->command;
        c["provenance"] = std::string(provenance_name(d.calibration->provenance));
        OrderedJson kernels;
        for (const auto& [name, k] : d.kernels) {
            OrderedJson e;
            e["overhead"] = std::to_string(k.overhead_ns) + "ns";
            if (k.row_overhead_ns > 0) e["row_overhead"] = format_double(k.row_overhead_ns, 4) + "ns";
            e["compute_efficiency_by_flops_per_row"] = k.compute_by_flops_per_row.to_json();
            e["memory_efficiency_by_bytes"] = k.memory_by_bytes.to_json();
            kernels[name] = e;
        }
        c["kernels"] = kernels;
        OrderedJson scale = OrderedJson::object();
        for (const auto& [t, v] : d.dtype_compute_scale)
            scale[std::string(dtype_name(t))] = std::round(v * 1e4) / 1e4;
        c["dtype_compute_scale"] = scale;
        c["intra_node_collectives"] = collectives_to_json(d.intra_node_collectives);
        c["inter_node_collectives"] = collectives_to_json(d.inter_node_collectives);
        if (!d.calibration->report.is_null()) c["report"] = d.calibration->report;
        j["calibration"] = c;
    }
    return j;
}

}  // namespace llmsim::hardware
