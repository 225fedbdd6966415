#include "hardware/flash_read_curve.hpp"

#include <cmath>

#include "common/error.hpp"
#include "common/nearest.hpp"
#include "common/strings.hpp"
#include "common/units.hpp"

namespace llmsim::hardware {
namespace {

constexpr double kKiB = 1024.0;
constexpr double kGBps = 1e9;

std::vector<FlashReadCurve> presets() {
    // Apple M1 Max internal SSD, 32 reader threads, as the paper measures it (its Fig. 2b). The text pins two
    // points: a 32 KiB bundled fp32 read at about 3.3 GB/s (Sec. 4.1: 2.4% of OPT-6.7B's fp32 FFN, 412 MB, loads in
    // 125 ms per token) and the large-read end at the sequential rate, about 6.1 GB/s. The points between are read
    // off the figure and approximate; give a measured profile (JSON) to replace them.
    std::vector<FlashReadCurve> out;
    out.emplace_back("m1-max",
                     "Alizadeh et al., LLM in a flash (ACL 2024) Fig. 2b, Apple M1 Max 1TB SSD, 32 threads; 32 KiB "
                     "point from Sec. 4.1 (412 MB in 125 ms), large reads at the ~6.1 GB/s sequential rate",
                     std::vector<FlashReadPoint>{{4 * kKiB, 0.9 * kGBps},
                                                 {8 * kKiB, 1.5 * kGBps},
                                                 {16 * kKiB, 2.3 * kGBps},
                                                 {32 * kKiB, 3.3 * kGBps},
                                                 {64 * kKiB, 4.4 * kGBps},
                                                 {128 * kKiB, 5.3 * kGBps},
                                                 {1024 * kKiB, 6.1 * kGBps}},
                     "flash curve m1-max");
    // A datacenter PCIe 4.0 NVMe drive at high queue depth: 1,100K IOPS of 4 KiB random reads and 6,900 MB/s
    // sequential (128 KiB) reads.
    out.emplace_back("pm9a3",
                     "Samsung PM9A3 U.2 3.84TB datasheet: random read 1,100K IOPS (4 KiB), sequential read "
                     "6,900 MB/s (128 KiB)",
                     std::vector<FlashReadPoint>{{4 * kKiB, 1.1e6 * 4 * kKiB}, {128 * kKiB, 6.9 * kGBps}},
                     "flash curve pm9a3");
    return out;
}

const std::vector<FlashReadCurve>& preset_list() {
    static const std::vector<FlashReadCurve> list = presets();
    return list;
}

double read_value(const Json& v, bool throughput, const std::string& where) {
    if (v.is_number()) return v.get<double>();
    if (v.is_string()) {
        const auto s = v.get<std::string>();
        return throughput ? units::parse_bytes_per_s(s, where) : units::parse_bytes(s, where);
    }
    throw InputError(where, std::string("expected a number or a unit string such as ") +
                                (throughput ? "\"3.3GB/s\"" : "\"32KiB\"") + ", got " + v.dump());
}

}  // namespace

FlashReadCurve::FlashReadCurve(std::string name, std::string source, std::vector<FlashReadPoint> points,
                               const std::string& where)
    : name_(std::move(name)), source_(std::move(source)), points_(std::move(points)) {
    if (points_.empty()) throw InputError(where, "a flash read curve needs at least one (chunk, throughput) point");
    for (size_t i = 0; i < points_.size(); ++i) {
        const FlashReadPoint& p = points_[i];
        const std::string at = where + "/" + std::to_string(i);
        if (!(p.chunk_bytes > 0) || !std::isfinite(p.chunk_bytes)) {
            throw InputError(at, "chunk size must be > 0 bytes, got " + format_double(p.chunk_bytes));
        }
        if (!(p.bytes_per_s > 0) || !std::isfinite(p.bytes_per_s)) {
            throw InputError(at, "throughput must be > 0, got " + format_double(p.bytes_per_s));
        }
        if (i == 0) continue;
        const FlashReadPoint& prev = points_[i - 1];
        if (p.chunk_bytes <= prev.chunk_bytes) {
            throw InputError(at, "chunk sizes must increase: " + units::format_bytes(p.chunk_bytes) + " after " +
                                     units::format_bytes(prev.chunk_bytes));
        }
        if (p.bytes_per_s < prev.bytes_per_s) {
            throw InputError(
                at, "throughput must not fall as chunks grow: " + units::format_bytes_per_s(p.bytes_per_s) + " at " +
                        units::format_bytes(p.chunk_bytes) + " after " + units::format_bytes_per_s(prev.bytes_per_s) +
                        " at " + units::format_bytes(prev.chunk_bytes));
        }
    }
}

double FlashReadCurve::bytes_per_s(double chunk_bytes) const {
    LLMSIM_ASSERT(chunk_bytes > 0, "flash read of a non-positive chunk");
    if (chunk_bytes <= points_.front().chunk_bytes) return points_.front().bytes_per_s;
    if (chunk_bytes >= points_.back().chunk_bytes) return points_.back().bytes_per_s;
    size_t hi = 1;
    while (points_[hi].chunk_bytes < chunk_bytes)
        ++hi;
    const FlashReadPoint& a = points_[hi - 1];
    const FlashReadPoint& b = points_[hi];
    const double f = std::log2(chunk_bytes / a.chunk_bytes) / std::log2(b.chunk_bytes / a.chunk_bytes);
    return a.bytes_per_s + f * (b.bytes_per_s - a.bytes_per_s);
}

std::vector<std::string> flash_curve_preset_ids() {
    std::vector<std::string> ids;
    for (const auto& c : preset_list())
        ids.push_back(c.name());
    return ids;
}

FlashReadCurve flash_curve_from_json(const Json& j, const std::string& where) {
    JsonObjectReader r(j, where);
    const std::string name = r.opt_string("name").value_or("custom");
    const std::string source = r.opt_string("source").value_or("");
    const Json& pts = r.get("points");
    const std::string pts_where = r.where("points");
    if (!pts.is_array()) throw InputError(pts_where, "expected an array of [CHUNK, THROUGHPUT] pairs");
    std::vector<FlashReadPoint> points;
    for (size_t i = 0; i < pts.size(); ++i) {
        const std::string at = pts_where + "/" + std::to_string(i);
        if (!pts[i].is_array() || pts[i].size() != 2) {
            throw InputError(at, "expected [CHUNK, THROUGHPUT], e.g. [\"32KiB\", \"3.3GB/s\"], got " + pts[i].dump());
        }
        points.push_back({read_value(pts[i][0], false, at + "/0"), read_value(pts[i][1], true, at + "/1")});
    }
    r.finish();
    return {name, source, std::move(points), pts_where};
}

FlashReadCurve resolve_flash_curve(const std::string& id_or_path, const std::string& where) {
    const std::string lowered = to_lower(id_or_path);
    for (const auto& c : preset_list()) {
        if (c.name() == lowered) return c;
    }
    // A single rate, as a --kv-tiers tier states its bandwidth: every chunk size reads at it.
    if (lowered.size() > 2 && lowered.substr(lowered.size() - 2) == "/s") {
        const double rate = units::parse_bytes_per_s(id_or_path, where);
        if (!(rate > 0)) throw UsageError(where, "read rate must be > 0, got '" + id_or_path + "'");
        return {id_or_path, "constant read rate given on the command line", {{4 * kKiB, rate}}, where};
    }
    if (id_or_path.find('/') != std::string::npos || path_exists(id_or_path) ||
        (id_or_path.size() > 5 && id_or_path.substr(id_or_path.size() - 5) == ".json")) {
        if (!path_exists(id_or_path)) throw UsageError(where, "flash read curve file '" + id_or_path + "' not found");
        return flash_curve_from_json(load_json_file(id_or_path), id_or_path + "#");
    }
    throw UsageError(where, unknown_name_message("flash read curve", id_or_path, flash_curve_preset_ids()) +
                                " or a path to a curve JSON");
}

}  // namespace llmsim::hardware
