#pragma once
// A sweep specification (docs/sweep.md): the base settings of `run --config` and the axes to vary, expanded into
// one settings object per run.
//
//   {"command": "run", "name": "...", "base": {...run settings...},
//    "axes": {"grid": {"qps": [1, 2, 4], "seed": {"from": 0, "to": 3}}, "zip": {"tp": [1, 2], "replicas": [2, 1]}}}
//
// Grid axes multiply (keys in alphabetical order, the last varying fastest); zipped lists advance together and
// vary fastest of all. A range is {"from", "to", "step"} (arithmetic, inclusive) or {"from", "to", "factor"}.
// "grid" and "zip" may also sit at the top level (the CLI contract's spelling).
#include <cstdint>
#include <string>
#include <vector>

#include "common/json_io.hpp"

namespace llmsim::tools {

struct SweepAxis {
    std::string key;  // canonical setting name ("max-batch")
    std::vector<Json> values;
};

struct SweepSpec {
    std::string path;  // for messages
    std::string command = "run";
    std::string name;
    Json base = Json::object();   // canonical keys
    std::vector<SweepAxis> grid;  // alphabetical by key
    std::vector<SweepAxis> zip;   // every list the same length
    std::string spec_hash;        // of the canonical spec: the same spec resumes the same sweep

    [[nodiscard]] std::vector<std::string> swept_keys() const;
    [[nodiscard]] int64_t points() const;
    // The settings of point `index` (base overridden by the axes' values), and where it comes from in messages.
    [[nodiscard]] Json point(int64_t index) const;
    [[nodiscard]] std::string point_where(int64_t index) const;
    // The spec as stored in the database (canonical JSON).
    [[nodiscard]] std::string canonical_json() const;
};

// Most points one sweep expands to: a typo in a range should not fill the disk.
inline constexpr int64_t kMaxSweepPoints = 1'000'000;

// Parses and validates the spec file: unknown keys (with the nearest valid one), output-only settings, empty or
// unequal axes, bad ranges are InputErrors (exit 2). Setting values are checked when each point is resolved.
SweepSpec load_sweep_spec(const std::string& path);
SweepSpec parse_sweep_spec(const Json& spec, const std::string& path);

// 16 hex digits of a 64-bit FNV-1a hash.
std::string hash_hex(const std::string& text);

}  // namespace llmsim::tools
