#pragma once
// Synthetic (prompt, output) lengths for --lengths: fixed:IN:OUT | trace:PATH | builtin:NAME | stats:PATH (a
// statistics file written by `llmsim trace derive --out`, sampled exactly as a built-in workload).
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/rng.hpp"

namespace llmsim::traces {

struct BuiltinWorkload;

enum class LengthKind { fixed, trace, builtin, stats };

struct LengthSpec {
    LengthKind kind = LengthKind::builtin;
    int32_t prompt_tokens = 0;  // fixed
    int32_t output_tokens = 0;  // fixed
    std::string target;         // trace or statistics path, or builtin name
};

// Parses --lengths; UsageError("--lengths", ...) naming the accepted forms otherwise. Builtin names are checked
// here (unknown name -> valid list + nearest match); trace paths are read by LengthSampler.
LengthSpec parse_lengths(std::string_view text);
std::string to_string(const LengthSpec& spec);

class LengthSampler {
  public:
    // trace:PATH reads the trace now (any format, auto-detected; timestamps ignored); stats:PATH reads the
    // statistics file now (InputError naming the file and JSON pointer when it is not one).
    explicit LengthSampler(const LengthSpec& spec);
    // One (prompt, output) pair, both >= 1. trace: uniform with replacement over the trace's rows.
    std::pair<int32_t, int32_t> sample(Rng& rng) const;
    [[nodiscard]] const LengthSpec& spec() const { return spec_; }
    // The workload statistics behind a builtin:NAME or stats:PATH spec (their rate and burstiness shape the
    // default arrivals), nullptr otherwise.
    [[nodiscard]] const BuiltinWorkload* builtin() const { return builtin_; }
    // Notes from reading a trace:PATH source (clamped outputs etc.).
    [[nodiscard]] const std::vector<std::string>& notes() const { return notes_; }

  private:
    LengthSpec spec_;
    const BuiltinWorkload* builtin_ = nullptr;
    std::shared_ptr<const BuiltinWorkload> from_file_;  // stats:PATH (shared, so copies keep builtin_ valid)
    std::vector<std::pair<int32_t, int32_t>> pairs_;
    std::vector<std::string> notes_;
};

}  // namespace llmsim::traces
