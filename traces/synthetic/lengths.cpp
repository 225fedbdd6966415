#include "traces/synthetic/lengths.hpp"

#include <limits>

#include "common/error.hpp"
#include "common/json_io.hpp"
#include "common/strings.hpp"
#include "traces/builtin_workloads.hpp"
#include "traces/trace_format.hpp"

namespace llmsim::traces {
namespace {

constexpr const char* length_forms =
    "expected fixed:IN:OUT (token counts >= 1), trace:PATH, builtin:NAME or stats:PATH (a `trace derive` file)";

int32_t parse_token_count(std::string_view part, std::string_view text, const char* what) {
    const auto v = parse_int(part);
    if (!v || *v < 1 || *v > std::numeric_limits<int32_t>::max()) {
        throw UsageError("--lengths", "bad " + std::string(what) + " length '" + std::string(part) + "' in '" +
                                          std::string(text) + "' (" + length_forms + ")");
    }
    return static_cast<int32_t>(*v);
}

}  // namespace

LengthSpec parse_lengths(std::string_view text) {
    const std::string_view t = trim(text);
    LengthSpec spec;
    if (starts_with(t, "fixed:")) {
        const auto parts = split(t.substr(6), ':');
        if (parts.size() != 2) {
            throw UsageError("--lengths", "bad fixed lengths '" + std::string(text) + "' (" + length_forms + ")");
        }
        spec.kind = LengthKind::fixed;
        spec.prompt_tokens = parse_token_count(parts[0], text, "prompt");
        spec.output_tokens = parse_token_count(parts[1], text, "output");
        return spec;
    }
    if (starts_with(t, "trace:")) {
        spec.kind = LengthKind::trace;
        spec.target = std::string(t.substr(6));
        if (spec.target.empty()) {
            throw UsageError("--lengths", "missing path in '" + std::string(text) + "' (" + length_forms + ")");
        }
        return spec;
    }
    if (starts_with(t, "stats:")) {
        spec.kind = LengthKind::stats;
        spec.target = std::string(t.substr(6));
        if (spec.target.empty()) {
            throw UsageError("--lengths", "missing path in '" + std::string(text) + "' (" + length_forms + ")");
        }
        return spec;
    }
    if (starts_with(t, "builtin:")) {
        spec.kind = LengthKind::builtin;
        spec.target = std::string(t.substr(8));
        (void)find_builtin_workload(spec.target, "--lengths");
        return spec;
    }
    throw UsageError("--lengths", "unknown lengths '" + std::string(text) + "' (" + length_forms + ")");
}

std::string to_string(const LengthSpec& spec) {
    switch (spec.kind) {
        case LengthKind::fixed:
            return "fixed:" + std::to_string(spec.prompt_tokens) + ":" + std::to_string(spec.output_tokens);
        case LengthKind::trace:
            return "trace:" + spec.target;
        case LengthKind::builtin:
            return "builtin:" + spec.target;
        case LengthKind::stats:
            return "stats:" + spec.target;
    }
    return {};
}

LengthSampler::LengthSampler(const LengthSpec& spec) : spec_(spec) {
    switch (spec_.kind) {
        case LengthKind::fixed:
            LLMSIM_ASSERT(spec_.prompt_tokens >= 1 && spec_.output_tokens >= 1, "fixed lengths must be >= 1");
            break;
        case LengthKind::builtin:
            builtin_ = &find_builtin_workload(spec_.target, "--lengths");
            break;
        case LengthKind::stats:
            from_file_ = std::make_shared<const BuiltinWorkload>(
                parse_builtin_workload(load_json_file(spec_.target), spec_.target));
            builtin_ = from_file_.get();
            break;
        case LengthKind::trace: {
            Workload w = read_trace(spec_.target, "auto");
            pairs_.reserve(w.requests.size());
            for (const auto& r : w.requests)
                pairs_.emplace_back(r.prompt_tokens, r.output_tokens);
            notes_ = std::move(w.notes);
            break;
        }
    }
}

std::pair<int32_t, int32_t> LengthSampler::sample(Rng& rng) const {
    switch (spec_.kind) {
        case LengthKind::fixed:
            return {spec_.prompt_tokens, spec_.output_tokens};
        case LengthKind::builtin:
        case LengthKind::stats:
            return sample_builtin_lengths(*builtin_, rng);
        case LengthKind::trace:
            return pairs_[static_cast<size_t>(rng.uniform_int(pairs_.size()))];
    }
    return {1, 1};
}

}  // namespace llmsim::traces
