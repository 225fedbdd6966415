#pragma once
// Read throughput of a flash device as a function of the size of each contiguous read (chunk): small random reads
// pay per-request latency, large ones approach the sequential rate, so the same bytes cost less read in bigger
// chunks (LLM in a flash, Alizadeh et al., ACL 2024, Fig. 2b). Piecewise linear in log2(chunk bytes), held flat
// outside the listed points (never extrapolated). Presets carry their source; a JSON profile gives a measured curve.
#include <string>
#include <utility>
#include <vector>

#include "common/json_io.hpp"

namespace llmsim::hardware {

// The curve a weights tier reads from unless told otherwise: the paper's own device.
inline constexpr const char* kDefaultFlashCurve = "m1-max";

struct FlashReadPoint {
    double chunk_bytes = 0;
    double bytes_per_s = 0;
};

class FlashReadCurve {
  public:
    // Points with strictly increasing chunk sizes and non-decreasing throughput (a larger read is never slower);
    // throws InputError at `where` (a JSON pointer per point) otherwise.
    FlashReadCurve(std::string name, std::string source, std::vector<FlashReadPoint> points, const std::string& where);

    [[nodiscard]] double bytes_per_s(double chunk_bytes) const;
    [[nodiscard]] const std::string& name() const { return name_; }
    [[nodiscard]] const std::string& source() const { return source_; }
    [[nodiscard]] const std::vector<FlashReadPoint>& points() const { return points_; }

  private:
    std::string name_;
    std::string source_;
    std::vector<FlashReadPoint> points_;
};

std::vector<std::string> flash_curve_preset_ids();
// A preset id, a constant rate ("7GB/s", the form --kv-tiers gives a tier's bandwidth), or a path to a JSON profile
// {"name", "source", "points": [[CHUNK, THROUGHPUT], ...]} whose values are unit strings ("32KiB", "3.3GB/s") or plain
// numbers (bytes, bytes/s). Unknown ids are a UsageError at `where`.
FlashReadCurve resolve_flash_curve(const std::string& id_or_path, const std::string& where);
FlashReadCurve flash_curve_from_json(const Json& j, const std::string& where);

}  // namespace llmsim::hardware
